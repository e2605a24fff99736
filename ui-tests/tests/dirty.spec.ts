/**
 * A kernel push does not mark the notebook modified: a view's state goes into its output when
 * the notebook is saved, and never on a mere change.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { seedSliderFile } from './helpers';

/** Runs `code` on the notebook's kernel, as a console would: no cell, no notebook change. */
function execute(page: IJupyterLabPageFixture, code: string): Promise<void> {
  return page.evaluate(async source => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    await panel.sessionContext.session.kernel.requestExecute({ code: source })
      .done;
  }, code);
}

const dirty = (page: IJupyterLabPageFixture): Promise<boolean> =>
  page.evaluate(
    () => (window as any).jupyterapp.shell.currentWidget.context.model.dirty
  );

test('kernel pushes leave the notebook unmodified, and a save keeps the latest state', async ({
  page,
  tmpPath
}) => {
  const slider = await seedSliderFile(page, tmpPath, 'dirty.ipynb');
  await page.notebook.save();
  expect(await dirty(page)).toBe(false);
  await execute(page, 'for v in range(100):\n    slider.set_value(v)');
  await expect(slider).toHaveAttribute('aria-valuenow', '99');
  expect(await dirty(page)).toBe(false);
  await page.notebook.save();
  const saved = await page.request.get(
    `/api/contents/${tmpPath}/dirty.ipynb?content=1`
  );
  const notebook = (await saved.json()).content;
  const view = notebook.cells[0].outputs
    .map((output: any) => output.data?.['application/vnd.ipycomm.view+json'])
    .find(Boolean);
  expect(view.state).toEqual({ min: 0, max: 255, value: 99 });
});
