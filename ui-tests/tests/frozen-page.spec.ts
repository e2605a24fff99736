/**
 * Two pages on one kernel, one of them frozen the way Chromium freezes background tabs: the
 * other page and the kernel go on, and the frozen page catches up when it wakes.
 */
import { expect, test } from '@jupyterlab/galata';
import { openFrozenPeer } from './frozen';
import { expectKernel, runNewCell } from './helpers';

test('a frozen page holds neither the kernel nor the other page, and catches up on waking', async ({
  page,
  tmpPath
}) => {
  const { other, wake } = await openFrozenPeer(page, `${tmpPath}/frozen.ipynb`);
  try {
    const push = await runNewCell(
      page,
      "for i in range(3000):\n    s.value = i % 256\ns.value = 77\nprint('pushed')",
      false
    );
    await expect(page.locator('.widget-readout').first()).toHaveText('77', {
      timeout: 60000
    });
    const pushed = (await page.notebook.getCellLocator(push))!;
    await expect(pushed.locator('.jp-OutputArea-output')).toHaveText('pushed', {
      timeout: 60000
    });
    await expectKernel(page, '1 + 1', '2'); // the kernel takes the next cell
    await expect(page.getByText('IOPub message rate exceeded')).toHaveCount(0);
  } finally {
    await wake();
  }
  await expect(other.locator('.widget-readout').first()).toHaveText('77', {
    timeout: 60000
  });
  await other.close();
});
