/**
 * Views survive a page reload by re-attaching to live comms, and say so when they cannot;
 * a kernel restart marks them disconnected, and re-running the cell gives a live slider.
 */
import { expect, test } from '@jupyterlab/galata';
import {
  expectKernel,
  reloadWith,
  runNewCell,
  seedSlider,
  seedSliderFile,
  viewsInCell
} from './helpers';

test.describe('lifecycle', () => {
  test('after a reload the slider re-attaches to the live comm and keeps working', async ({
    page,
    tmpPath
  }) => {
    await seedSliderFile(page, tmpPath, 'reload.ipynb');
    await runNewCell(page, 'slider.set_value(99)');
    await expect(
      (await viewsInCell(page, 0)).getByRole('slider')
    ).toHaveAttribute('aria-valuenow', '99');
    await page.notebook.save();
    await reloadWith(page, tmpPath, 'reload.ipynb');
    const slider = (await viewsInCell(page, 0)).first().getByRole('slider');
    await expect(slider).toHaveAttribute('aria-valuenow', '99');
    await expect(slider).toBeEnabled();
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expectKernel(page, 'slider.value', '100');
  });

  test('after a reload a comm that was closed shows "not connected"', async ({
    page,
    tmpPath
  }) => {
    await seedSliderFile(page, tmpPath, 'closed.ipynb');
    await runNewCell(page, 'slider.comm.close()');
    await page.notebook.save();
    await reloadWith(page, tmpPath, 'closed.ipynb');
    const view = (await viewsInCell(page, 0)).first();
    await expect(view.locator('.jp-ipycomm-status')).toContainText(
      'Not connected'
    );
    await expect(view.getByRole('slider')).toBeDisabled();
  });
});

test.describe('kernel restart', () => {
  // Galata's kernels mock answers every POST under /api/kernels with 201 Created, and
  // JupyterLab rejects a restart reply that is not 200; so let these requests through.
  test.use({ kernels: null });

  test('a kernel restart disconnects the views; re-running the cell gives a live slider', async ({
    page
  }) => {
    const uncaught: string[] = [];
    page.on('pageerror', error => uncaught.push(error.message));
    const slider = await seedSlider(page, 'restart.ipynb');
    await page.menu.clickMenuItem('Kernel>Restart Kernel…');
    await page.locator('.jp-Dialog .jp-mod-accept').click();
    const view = (await viewsInCell(page, 0)).first();
    await expect(view.locator('.jp-ipycomm-status')).toContainText(
      'Not connected'
    );
    await expect(slider).toBeDisabled();

    await page.notebook.runCell(0, true);
    const fresh = (await viewsInCell(page, 0)).first().getByRole('slider');
    await expect(fresh).toBeEnabled();
    await fresh.focus();
    await page.keyboard.press('ArrowRight');
    await expectKernel(page, 'slider.value', '129');
    expect(uncaught).toEqual([]);
  });
});
