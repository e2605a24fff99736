/**
 * Widgets from Python: a comm target's browser side defined with ipycomm.frontend_target(),
 * rendered under its cell, hot-reloaded, re-rendered after a reload, showing its own errors,
 * and never run from an untrusted notebook.
 */
import { expect, test } from '@jupyterlab/galata';
import {
  expectKernel,
  notebookJson,
  reloadWith,
  runNewCell,
  setSource,
  viewsInCell
} from './helpers';
import { COUNTER_JS, counter, counterCell, pyString } from './frontend';

test.describe('frontend targets', () => {
  test('a module defined from Python renders, and a click goes to the kernel and back @matrix', async ({
    page
  }) => {
    const button = await counter(page, 'counter.ipynb');
    await button.click();
    await expect(button).toHaveText('count 1');
    await expectKernel(page, 'count', '1');
  });

  test('redefining the target re-renders the view in place and keeps its comm', async ({
    page
  }) => {
    const button = await counter(page, 'hot.ipynb');
    await button.click();
    await expect(button).toHaveText('count 1');
    await page.evaluate(() => ((window as any).ipycommNoReload = true));
    const v2 = COUNTER_JS.replace('"count " + n', '"v2 count " + n').replace(
      'show(comm.data.count);',
      'show("?");'
    );
    await runNewCell(
      page,
      `ipycomm.frontend_target('counter', ${pyString(v2)})`
    );
    const views = await viewsInCell(page, 0);
    await expect(views).toHaveCount(1);
    const fresh = views.getByRole('button', { name: /^v2 count/ });
    await expect(fresh).toHaveText('v2 count ?');
    await fresh.click();
    // The same comm and kernel handler: the count goes on from 1.
    await expect(fresh).toHaveText('v2 count 2');
    expect(await page.evaluate(() => (window as any).ipycommNoReload)).toBe(
      true
    );
  });

  test('saving a watched module file re-renders its views', async ({
    page
  }) => {
    await page.notebook.createNew('watch.ipynb');
    const file = 'counter_module.js';
    await setSource(
      page,
      0,
      [
        'import pathlib',
        `module = pathlib.Path(${JSON.stringify(file)}).absolute()`,
        `module.write_text(${pyString(COUNTER_JS)})`,
        counterCell('module, watch=True')
      ].join('\n')
    );
    await page.notebook.runCell(0, true);
    const views = await viewsInCell(page, 0);
    await expect(views.getByRole('button')).toHaveText('count 0');
    const saved = COUNTER_JS.replace('"count " + n', '"saved " + n');
    await runNewCell(page, `module.write_text(${pyString(saved)})`);
    await expect(views.getByRole('button')).toHaveText('saved 0');
  });

  test('after a reload the view renders again from the module the kernel defined', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(
      notebookJson([counterCell(pyString(COUNTER_JS))]),
      'text',
      `${tmpPath}/reload.ipynb`
    );
    await page.notebook.openByPath(`${tmpPath}/reload.ipynb`);
    await page.notebook.runCell(0, true);
    const button = () =>
      page.locator('.jp-ipycomm-view').getByRole('button', { name: /^count/ });
    await button().click();
    await expect(button()).toHaveText('count 1');
    await page.notebook.save();
    await reloadWith(page, tmpPath, 'reload.ipynb');
    await expect(button()).toBeVisible();
    await button().click();
    await expect(button()).toHaveText('count 2');
  });

  test('a module that throws shows its error, and other views and the comm carry on', async ({
    page
  }) => {
    await page.notebook.createNew('throws.ipynb');
    const throwing = `export function render({ el }) {
  throw new Error("boom in render");
}`;
    await setSource(
      page,
      0,
      [
        counterCell(pyString(COUNTER_JS)),
        `ipycomm.frontend_target('broken', ${pyString(throwing)})`,
        "ipycomm.frontend_target('unparsable', 'export function render( {')",
        "broken = ipycomm.Comm(target_name='broken')",
        "unparsable = ipycomm.Comm(target_name='unparsable')"
      ].join('\n')
    );
    await page.notebook.runCell(0, true);
    const views = await viewsInCell(page, 0);
    await expect(views).toHaveCount(3);
    await expect(views.nth(1)).toContainText('boom in render');
    await expect(views.nth(2)).toContainText(/Syntax|Unexpected/);
    const button = views.nth(0).getByRole('button', { name: /^count/ });
    await button.click();
    await expect(button).toHaveText('count 1');
    // The broken comm is still open: fixing its module renders it in place.
    await runNewCell(
      page,
      "ipycomm.frontend_target('broken', 'export function render({ el }) { el.textContent = \"fixed\"; }')"
    );
    await expect(views.nth(1)).toContainText('fixed');
    await expect(views.nth(1)).not.toContainText('boom in render');
  });

  test('an untrusted notebook does not run a module for its saved views', async ({
    page,
    tmpPath
  }) => {
    const sideEffect = `export function render({ el }) {
  window.ipycommRenders = (window.ipycommRenders || 0) + 1;
  el.textContent = "rendered";
}`;
    const define = [
      'import ipycomm',
      `ipycomm.frontend_target('sidefx', ${pyString(sideEffect)})`,
      "c = ipycomm.Comm(target_name='sidefx', comm_id='sidefx-1')"
    ].join('\n');
    const nb = JSON.parse(notebookJson([define, '']));
    // A saved view of the same comm, in a notebook that carries no trust signature.
    nb.cells[1].outputs = [
      {
        output_type: 'display_data',
        metadata: {},
        data: {
          'application/vnd.ipycomm.view+json': {
            comm_id: 'sidefx-1',
            target_name: 'sidefx'
          },
          'text/plain': '<Comm sidefx-1>'
        }
      }
    ];
    await page.contents.uploadContent(
      JSON.stringify(nb),
      'text',
      `${tmpPath}/untrusted.ipynb`
    );
    await page.notebook.openByPath(`${tmpPath}/untrusted.ipynb`);
    await page.notebook.runCell(0, true);
    // The view of the cell just run is the user's own output: it runs the module.
    await expect((await viewsInCell(page, 0)).first()).toContainText(
      'rendered'
    );
    // Saved with an output it never trusted, the notebook stays unsigned. Reloaded, both views
    // find the live comm and the kernel's module, and neither runs it.
    await page.notebook.save();
    await reloadWith(page, tmpPath, 'untrusted.ipynb');
    const saved = (await viewsInCell(page, 1)).first();
    await expect(saved).toContainText('not trusted');
    await expect((await viewsInCell(page, 0)).first()).toContainText(
      'not trusted'
    );
    await expect(saved).not.toContainText('rendered');
    expect(await page.evaluate(() => (window as any).ipycommRenders)).toBe(
      undefined
    );
  });
});
