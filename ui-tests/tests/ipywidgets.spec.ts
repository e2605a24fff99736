/**
 * ipywidgets keeps working with ipycomm installed as the kernel's comm layer.
 */
import { expect, test } from '@jupyterlab/galata';
import { expectKernel, runNewCell, setSource } from './helpers';

test('an IntSlider renders, and both directions sync @matrix', async ({
  page
}) => {
  await page.notebook.createNew('widgets.ipynb');
  await setSource(
    page,
    0,
    'import ipycomm, ipywidgets as w\nprint(type(get_ipython().kernel.comm_manager).__module__)\ns = w.IntSlider()\ns'
  );
  await page.notebook.runCell(0, true);
  const cell = await page.notebook.getCellLocator(0);
  await expect(cell!.locator('.jp-OutputArea-output').first()).toContainText(
    'ipycomm.manager'
  );
  const handle = cell!.locator('.widget-slider .noUi-handle');
  await expect(handle).toBeVisible();
  await handle.focus();
  await page.keyboard.press('ArrowRight');
  const probe = await expectKernel(page, 's.value', '1');
  await runNewCell(page, 's.value = 50');
  await expect(cell!.locator('.widget-readout')).toHaveText('50');
  await expectKernel(page, 's.value', '50', probe);
});
