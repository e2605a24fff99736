/**
 * The Comm Inspector's small DOM pieces: styled buttons, sections, labelled form fields and
 * JSON boxes. Kernel-provided text goes in as textContent only, never as HTML.
 */
import { el } from '../util/dom';

export function button(
  label: string,
  onClick: () => void,
  className = ''
): HTMLButtonElement {
  const node = el(
    'button',
    `jp-ipycomm-button jp-mod-styled ${className}`,
    label
  );
  node.addEventListener('click', onClick);
  return node;
}

export function section(
  title: string,
  ...children: HTMLElement[]
): HTMLElement {
  const node = el('section', 'jp-ipycomm-inspector-section');
  node.setAttribute('aria-label', title);
  node.append(el('h3', 'jp-ipycomm-inspector-heading', title), ...children);
  return node;
}

/**
 * A form field: a visible `<label for>` above its control. `id` must be unique in the page
 * (the inspector is one panel per app).
 */
export function field(
  label: string,
  id: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement
): HTMLDivElement {
  control.id = id;
  const node = el('div', 'jp-ipycomm-inspector-field');
  const caption = el('label', 'jp-ipycomm-inspector-label', label);
  caption.htmlFor = id;
  node.append(caption, control);
  return node;
}

export function jsonBox(): HTMLTextAreaElement {
  const box = el('textarea', 'jp-ipycomm-json jp-mod-styled');
  box.rows = 2;
  box.placeholder = '{}';
  return box;
}

/** A row of buttons that wraps when the panel is narrow. */
export function buttonRow(...children: HTMLElement[]): HTMLDivElement {
  const row = el('div', 'jp-ipycomm-buttons');
  row.append(...children);
  return row;
}
