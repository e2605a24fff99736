/**
 * What kernel handlers print or raise shows under the view that sent the message, and a comm
 * refused on either side says why.
 */
import { expect, test } from '@jupyterlab/galata';
import { runCell, runNewCell, seedSlider, viewsInCell } from './helpers';

test.describe('kernel output under the view', () => {
  test('a failing on_msg shows its traceback under the slider', async ({
    page
  }) => {
    const slider = await seedSlider(page, 'onmsg-error.ipynb');
    await runNewCell(page, 'slider.comm.on_msg(lambda m: 1/0)');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    const outputs = (await viewsInCell(page, 0))
      .first()
      .locator('.jp-ipycomm-outputs');
    await expect(outputs).toContainText('ZeroDivisionError');
    await expect(outputs).toContainText('on_msg callback of comm');
    // The comm stays usable: a failing on_msg does not close it.
    await expect(slider).toBeEnabled();
  });

  test('a print in an observer shows under the slider', async ({ page }) => {
    const slider = await seedSlider(page, 'observer-print.ipynb');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    const view = (await viewsInCell(page, 0)).first();
    await expect(view.locator('.jp-ipycomm-outputs')).toContainText(
      'Slider changed from 128 to 129'
    );
  });

  test('only the output of the last few messages is kept, and it can be cleared', async ({
    page
  }) => {
    const slider = await seedSlider(page, 'observer-cap.ipynb');
    const view = (await viewsInCell(page, 0)).first();
    const outputs = view.locator('.jp-ipycomm-outputs');
    // One press at a time, so coalescing does not merge them: eight messages with output.
    for (let value = 129; value <= 136; value++) {
      await slider.focus();
      await page.keyboard.press('ArrowRight');
      await expect(outputs).toContainText(`to ${value}`);
    }
    await expect(view.locator('.jp-ipycomm-output')).toHaveCount(5);
    await expect(outputs).not.toContainText('from 128 to 129');
    await view.getByRole('button', { name: 'Clear output' }).click();
    await expect(view.locator('.jp-ipycomm-output')).toHaveCount(0);
  });
});

test.describe('close reasons', () => {
  test('a kernel comm to a target the frontend does not know is closed with a reason', async ({
    page
  }) => {
    await page.notebook.createNew('unknown-target.ipynb');
    await runCell(
      page,
      0,
      [
        'from ipycomm import Comm',
        "c = Comm(target_name='nobody')",
        'reasons = []',
        "c.on_close(lambda m: reasons.append(m['content']['data'].get('reason')))"
      ].join('\n')
    );
    const probe = await runNewCell(page, 'pass');
    await expect
      .poll(() => runCell(page, probe, 'print(reasons)'), { timeout: 30000 })
      .toContain("no comm target 'nobody'");
  });

  test('a failing kernel target handler shows its traceback and reason under the view that opened it', async ({
    page
  }) => {
    await page.notebook.createNew('failing-target.ipynb');
    await runCell(
      page,
      0,
      [
        'import ipycomm',
        'def fails(comm, msg):',
        "    raise RuntimeError('target handler failed on purpose')",
        "get_ipython().kernel.comm_manager.register_target('fails', fails)"
      ].join('\n')
    );
    // Not awaited in the page: the command resolves only once its dialogs are answered.
    await page.evaluate(() => {
      void (window as any).jupyterapp.commands.execute('ipycomm:open-comm');
    });
    const first = page.locator('.jp-Dialog', { hasText: 'Target name' });
    await first.locator('input').fill('fails');
    await first.locator('.jp-mod-accept').click();
    await page
      .locator('.jp-Dialog', { hasText: 'Open comm: data' })
      .locator('.jp-mod-accept')
      .click();
    const view = page.locator('[id^="ipycomm-view-"] .jp-ipycomm-view');
    await expect(view.locator('.jp-ipycomm-outputs')).toContainText(
      'RuntimeError: target handler failed on purpose'
    );
    await expect(view.locator('.jp-ipycomm-status')).toContainText(
      "Closed by the kernel: the handler for comm target 'fails' raised"
    );
  });
});
