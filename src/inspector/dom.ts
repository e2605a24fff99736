/**
 * The Comm Inspector's DOM pieces: styled buttons, sections, JSON boxes, and the rows of the
 * live comms table. Kernel-provided names go in as textContent only, never as HTML.
 */
import { el } from '../widgets/view';
import { ICommStats } from './commstats';
import { formatBytes } from '../util/bytes';

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

export function jsonBox(label: string): HTMLTextAreaElement {
  const box = el('textarea', 'jp-ipycomm-json jp-mod-styled');
  box.rows = 2;
  box.placeholder = '{}';
  box.setAttribute('aria-label', label);
  return box;
}

const time = (ms: number | null) =>
  ms === null ? 'before' : new Date(ms).toLocaleTimeString();

/** What the buttons in a comm's row do. */
export interface ICommRowActions {
  filter(commId: string): void;
  close(commId: string): void;
}

const HEADINGS = ['Comm', 'Target', 'Opened by', 'At', 'In', 'Out', ''];

/** The live comms table: a heading row, then one row per comm. */
export function commRows(
  comms: ReadonlyArray<ICommStats>,
  actions: ICommRowActions
): HTMLTableRowElement[] {
  const head = el('tr', '');
  for (const title of HEADINGS) {
    head.append(el('th', '', title));
  }
  return [head, ...comms.map(c => commRow(c, actions))];
}

/** A comm's id, target, opener, opening time, traffic each way, and its actions. */
function commRow(c: ICommStats, actions: ICommRowActions): HTMLTableRowElement {
  const row = el('tr', 'jp-ipycomm-inspector-comm');
  row.dataset.commId = c.commId;
  const id = el('td', '', c.commId.slice(0, 8));
  id.title = c.commId;
  row.append(
    id,
    el('td', '', c.targetName),
    el('td', '', c.openedBy),
    el('td', '', time(c.openedAt)),
    el('td', '', `${c.msgsIn} · ${formatBytes(c.bytesIn)}`),
    el('td', '', `${c.msgsOut} · ${formatBytes(c.bytesOut)}`)
  );
  const cell = el('td', '');
  cell.append(
    button('Filter', () => actions.filter(c.commId)),
    button('Close', () => actions.close(c.commId))
  );
  row.append(cell);
  return row;
}

/** One option per comm, for choosing the comm to send on. */
export function commOptions(
  comms: ReadonlyArray<ICommStats>
): HTMLOptionElement[] {
  return comms.map(c => {
    const option = el('option', '', `${c.targetName} ${c.commId.slice(0, 8)}`);
    option.value = c.commId;
    return option;
  });
}
