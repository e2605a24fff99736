/**
 * Shared steps for the frontend-target specs: a counter widget defined from Python, and cells
 * that run without being waited for.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import { runNewCell, setSource, viewsInCell } from './helpers';

/** A counter: the view shows the kernel's count, a click asks the kernel to add one. */
export const COUNTER_JS = `
export function render({ comm, el }) {
  const button = document.createElement("button");
  const show = (n) => (button.textContent = "count " + n);
  show(comm.data.count);
  button.onclick = () => comm.send({ click: 1 });
  comm.on("msg", (data) => show(data.count));
  el.append(button);
}
`;

/** The kernel side of the counter; `esm` is a Python expression for its module. */
export function counterCell(esm: string): string {
  return [
    'import ipycomm',
    `ipycomm.frontend_target('counter', ${esm})`,
    'count = 0',
    "counter = ipycomm.Comm(target_name='counter', data={'count': count})",
    'def clicked(msg):',
    '    global count',
    '    count += 1',
    "    counter.send({'count': count})",
    'counter.on_msg(clicked)'
  ].join('\n');
}

/** `text` as a raw Python string literal (module sources use no triple quotes). */
export const pyString = (text: string): string => `r'''${text}'''`;

/** A new notebook whose first cell defines the counter and opens one; returns its button. */
export async function counter(page: IJupyterLabPageFixture, name: string) {
  await page.notebook.createNew(name);
  await setSource(page, 0, counterCell(pyString(COUNTER_JS)));
  await page.notebook.runCell(0, true);
  const button = (await viewsInCell(page, 0)).first().getByRole('button', {
    name: /^count/
  });
  await expect(button).toHaveText('count 0');
  return button;
}

/** Runs `source` in a new cell without waiting for it to finish; returns the cell index. */
export const startNewCell = (
  page: IJupyterLabPageFixture,
  source: string
): Promise<number> => runNewCell(page, source, false);

/** Waits until the first output of cell `index` contains `expected`. */
export async function expectOutput(
  page: IJupyterLabPageFixture,
  index: number,
  expected: string | RegExp
): Promise<void> {
  const cell = await page.notebook.getCellLocator(index);
  await expect(cell!.locator('.jp-OutputArea-output').first()).toContainText(
    expected,
    { timeout: 30000 }
  );
}
