/**
 * The seed's SimpleSlider, pasted verbatim, works end to end in JupyterLab.
 */
import { expect, test } from '@jupyterlab/galata';
import { expectKernel, runNewCell, seedSlider, viewsInCell } from './helpers';

test.describe('simple_slider', () => {
  test('renders under its cell with no display call, as an accessible slider', async ({
    page
  }) => {
    const slider = await seedSlider(page, 'render.ipynb');
    await expect(slider).toHaveAttribute('aria-valuemin', '0');
    await expect(slider).toHaveAttribute('aria-valuemax', '255');
    const view = (await viewsInCell(page, 0)).first();
    await expect(view.locator('.jp-ipycomm-slider-value')).toHaveText('128');
  });

  test('arrow keys, Home and End reach the kernel @matrix', async ({
    page
  }) => {
    const slider = await seedSlider(page, 'keys.ipynb');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect(slider).toHaveAttribute('aria-valuenow', '129');
    const probe = await expectKernel(page, 'slider.value', '129');
    await slider.focus();
    await page.keyboard.press('End');
    await expectKernel(page, 'slider.value', '255', probe);
    await slider.focus();
    await page.keyboard.press('Home');
    await expectKernel(page, 'slider.value', '0', probe);
  });

  test('a mouse drag reaches the kernel with the value where the user stopped', async ({
    page
  }) => {
    const slider = await seedSlider(page, 'drag.ipynb');
    await slider.scrollIntoViewIfNeeded();
    const box = await slider.boundingBox();
    expect(box).not.toBeNull();
    const y = box!.y + box!.height / 2;
    await page.mouse.move(box!.x + box!.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(box!.x + box!.width * 0.9, y, { steps: 25 });
    await page.mouse.up();
    const final = await slider.getAttribute('aria-valuenow');
    expect(Number(final)).toBeGreaterThan(128);
    await expectKernel(page, 'slider.value', final!);
  });

  test('set_value in the kernel moves the slider', async ({ page }) => {
    const slider = await seedSlider(page, 'set.ipynb');
    await runNewCell(page, 'slider.set_value(42)');
    await expect(slider).toHaveAttribute('aria-valuenow', '42');
  });

  test('display(slider.comm) shows a second view that stays in sync', async ({
    page
  }) => {
    const first = await seedSlider(page, 'views.ipynb');
    const index = await runNewCell(page, 'display(slider.comm)');
    const second = (await viewsInCell(page, index)).first().getByRole('slider');
    await expect(second).toHaveAttribute('aria-valuenow', '128');
    await second.focus();
    await page.keyboard.press('ArrowLeft');
    await expect(first).toHaveAttribute('aria-valuenow', '127');
    await expectKernel(page, 'slider.value', '127');
    await runNewCell(page, 'slider.set_value(7)');
    await expect(first).toHaveAttribute('aria-valuenow', '7');
    await expect(second).toHaveAttribute('aria-valuenow', '7');
  });
});
