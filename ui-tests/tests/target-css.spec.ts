/**
 * A frontend target's CSS (`frontend_target(..., css=...)`) styles that target's views and
 * nothing else of the page, and leaves the page with its last view.
 */
import { expect, test } from '@jupyterlab/galata';
import { pyString } from './frontend';
import { runNewCell, viewsInCell } from './helpers';

const BUTTON_JS = `export function render({ el }) {
  const b = document.createElement("button");
  b.textContent = "styled";
  el.append(b);
}`;
const RED = 'rgb(255, 0, 0)';

const colorOf = (page: any, selector: string): Promise<string> =>
  page.evaluate(
    (s: string) => getComputedStyle(document.querySelector(s)!).color,
    selector
  );

test('CSS from a target styles its views only, and goes with its last view', async ({
  page
}) => {
  await page.notebook.createNew('css.ipynb');
  const cell = await runNewCell(
    page,
    [
      'import ipycomm',
      `ipycomm.frontend_target('styled', ${pyString(BUTTON_JS)}, ` +
        `css='button { color: ${RED} !important; }')`,
      "c = ipycomm.Comm(target_name='styled')"
    ].join('\n')
  );
  const view = (await viewsInCell(page, cell)).first();
  await expect(view.getByRole('button', { name: 'styled' })).toHaveCSS(
    'color',
    RED
  );
  // Outside its views: a button the page adds to its body, and every button of JupyterLab.
  await page.evaluate(() => {
    const b = document.createElement('button');
    b.id = 'outside-probe';
    b.textContent = 'outside';
    document.body.append(b);
  });
  expect(await colorOf(page, '#outside-probe')).not.toBe(RED);
  const redOutside = await page.evaluate(
    red =>
      [...document.querySelectorAll('button')].filter(
        b => !b.closest('.jp-ipycomm-view') && getComputedStyle(b).color === red
      ).length,
    RED
  );
  expect(redOutside).toBe(0);
  const styles = page.locator('head style.jp-ipycomm-target-css');
  await expect(styles).toHaveCount(1);
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute(
      'notebook:clear-all-cell-outputs'
    )
  );
  await expect(styles).toHaveCount(0);
});
