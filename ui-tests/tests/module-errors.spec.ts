/**
 * How a module view shows what went wrong: a comm that closed under a render awaiting a request
 * reads as a calm "closed" note with no stack; a render that throws shows its message, with
 * its stack (frames naming the target) inside a closed <details>.
 */
import { expect, test } from '@jupyterlab/galata';
import { setSource, viewsInCell } from './helpers';
import { pyString } from './frontend';

/** A render that waits for the kernel's answer to a request before it is done. */
const ASKING = `export async function render({ comm, el }) {
  el.textContent = "asking";
  const reply = await comm.request({ action: "get_state" });
  el.textContent = "answered " + JSON.stringify(reply.data);
}`;

const THROWING = `export function render({ el }) {
  el.textContent = "about to throw";
  throw new Error("boom in render");
}`;

test.describe('module errors', () => {
  test('a comm the kernel closes while render awaits a request reads as closed, with no stack', async ({
    page
  }) => {
    await page.notebook.createNew('closed-render.ipynb');
    // The kernel closes the comm from the request's handler: the close goes out first, and
    // the reply (sent on a closed comm) is dropped, so the request can only fail as closed.
    await setSource(
      page,
      0,
      [
        'import ipycomm',
        `ipycomm.frontend_target('asking', ${pyString(ASKING)})`,
        "asking = ipycomm.Comm(target_name='asking')",
        'asked = []',
        'def close_instead(data, buffers):',
        '    asked.append(data)',
        '    asking.close()',
        "    return {'never': 'seen'}",
        'asking.on_request(close_instead)'
      ].join('\n')
    );
    await page.notebook.runCell(0, true);
    const view = (await viewsInCell(page, 0)).first();
    const problem = view.locator('.jp-ipycomm-module-problem');
    await expect(problem).toHaveText('This comm was closed.');
    await expect(view.locator('.jp-ipycomm-status')).toContainText(
      'Not connected'
    );
    await expect(problem).not.toHaveClass(/jp-ipycomm-error/);
    await expect(view.locator('details')).toHaveCount(0);
    await expect(view).not.toContainText(/\bat\b.*:\d+:\d+/);
    await expect(view).not.toContainText('answered');
  });

  test('a render that throws shows its message, and its stack in a closed <details> naming the target', async ({
    page
  }) => {
    await page.notebook.createNew('throwing-render.ipynb');
    await setSource(
      page,
      0,
      [
        'import ipycomm',
        `ipycomm.frontend_target('thrower', ${pyString(THROWING)})`,
        "thrower = ipycomm.Comm(target_name='thrower')"
      ].join('\n')
    );
    await page.notebook.runCell(0, true);
    const view = (await viewsInCell(page, 0)).first();
    const problem = view.locator('.jp-ipycomm-module-problem');
    await expect(problem).toHaveClass(/jp-ipycomm-error/);
    await expect(problem.locator('.jp-ipycomm-module-message')).toHaveText(
      "render() of target 'thrower' raised: Error: boom in render"
    );
    const details = problem.locator('details');
    await expect(details).toHaveCount(1);
    await expect(details).not.toHaveAttribute('open');
    const frames = details.locator('.jp-ipycomm-module-frames');
    await expect(frames).toBeHidden();
    await details.locator('summary').click();
    await expect(frames).toBeVisible();
    await expect(frames).toContainText('ipycomm-target/thrower.js:3:');
    await expect(frames).not.toContainText('?v=');
  });
});
