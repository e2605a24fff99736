/**
 * bqplot on a kernel whose comm layer is ipycomm (no `import ipycomm` in the notebook): a
 * scatter figure renders, changes made in the kernel (the marks' data, a scale's range) show in
 * the view, and a click on a point selects it in the kernel.
 */
import { expect, test } from '@jupyterlab/galata';
import {
  expectIpycommKernel,
  expectKernel,
  runCell,
  runNewCell,
  setSource
} from './helpers';

const FIGURE = `import bqplot as bq
x_scale = bq.LinearScale(min=0, max=10)
y_scale = bq.LinearScale(min=0, max=10)
scatter = bq.Scatter(
    x=[1, 2, 3], y=[1, 4, 9], scales={'x': x_scale, 'y': y_scale},
    default_size=200, interactions={'click': 'select'},
)
x_axis = bq.Axis(scale=x_scale, label='x')
y_axis = bq.Axis(scale=y_scale, orientation='vertical', label='y')
fig = bq.Figure(marks=[scatter], axes=[x_axis, y_axis], animation_duration=0)
fig`;

test('a bqplot scatter renders, follows the kernel, and a click selects a point in the kernel', async ({
  page
}) => {
  test.setTimeout(180000);
  await page.notebook.createNew('bqplot.ipynb');
  await setSource(page, 0, FIGURE);
  await page.notebook.runCell(0, true);
  const cell = (await page.notebook.getCellLocator(0))!;
  const figure = cell.locator('.bqplot.figure');
  const dots = figure.locator('.object_grp .dot');
  await expect(dots).toHaveCount(3, { timeout: 60000 });
  await expect(dots.first()).toBeVisible();
  // The axes in the order they were given: x, then y.
  const xTicks = figure.locator('.axis').nth(0).locator('.tick text');
  const yTicks = figure.locator('.axis').nth(1).locator('.tick text');
  await expect(xTicks.last()).toHaveText('10', { timeout: 30000 });
  await expect(yTicks.last()).toHaveText('10');
  await expectIpycommKernel(page);

  // From the kernel: new data, then a new x range.
  const probe = await runNewCell(
    page,
    'scatter.x, scatter.y = [1, 2, 3, 4], [1, 4, 9, 8]'
  );
  await expect(dots).toHaveCount(4, { timeout: 30000 });
  await runCell(page, probe, 'x_scale.max = 5.0');
  await expect(xTicks.last()).toHaveText(/^5(\.0)?$/, { timeout: 30000 });
  await expect(yTicks.last()).toHaveText('10');

  // From the page: a click on the second point selects it.
  const selected =
    'None if scatter.selected is None else scatter.selected.tolist()';
  await expectKernel(page, selected, 'None', probe);
  await dots.nth(1).click();
  await expectKernel(page, selected, '[1]', probe);
});
