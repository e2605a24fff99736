/**
 * Run All, as a user does it (Run > Run All Cells), and what a user would read as an error
 * afterwards: an error or stderr output of a cell, or an ipycomm view that shows an error.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

/**
 * Everything in the open notebook a user reads as an error: a cell's error or stderr output
 * (both render as stderr text), a view's error line or module problem, a handler's traceback
 * or stderr under a view.
 */
export const ERRORS = [
  '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
  '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]',
  '.jp-ipycomm-view .jp-ipycomm-error:not([hidden])',
  '.jp-ipycomm-output-error',
  '.jp-ipycomm-output-stderr'
].join(', ');

/** Whether the current notebook's kernel is idle and every code cell has an execution count. */
function ranToTheEnd(): boolean {
  const panel = (window as any).jupyterapp.shell.currentWidget;
  const kernel = panel?.sessionContext?.session?.kernel;
  if (!kernel || kernel.status !== 'idle') {
    return false;
  }
  return panel.content.widgets
    .filter((cell: any) => cell.model.type === 'code')
    .every((cell: any) => typeof cell.model.executionCount === 'number');
}

/** Whether no module view is still waiting for its module. */
function viewsSettled(): boolean {
  return [...document.querySelectorAll('.jp-ipycomm-module-problem')].every(
    node => !(node.textContent ?? '').startsWith('Waiting for')
  );
}

/**
 * Runs every cell of the open notebook from the Run menu and waits (on conditions, no sleep)
 * until the kernel is idle with every code cell run, and every module view has its module.
 */
export async function runAll(page: IJupyterLabPageFixture): Promise<void> {
  // The kernel must be there before the run, or the cells would wait for it unnumbered.
  await page.waitForFunction(() => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    return panel?.sessionContext?.session?.kernel?.status === 'idle';
  });
  await page.menu.clickMenuItem('Run>Run All Cells');
  await page.waitForFunction(ranToTheEnd, undefined, { timeout: 90000 });
  await page.waitForFunction(viewsSettled);
}

/** Expects nothing in the open notebook that a user reads as an error; names what there is. */
export async function expectNoErrors(
  page: IJupyterLabPageFixture
): Promise<void> {
  const errors = page.locator('.jp-NotebookPanel').locator(ERRORS);
  const texts = await errors.allTextContents();
  expect(texts, `errors shown in the notebook:\n${texts.join('\n')}`).toEqual(
    []
  );
}
