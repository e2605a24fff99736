/**
 * Two pages on one kernel, one of them frozen the way Chromium freezes background tabs: the
 * other page and the kernel go on, and the frozen page catches up when it wakes.
 */
import { expect, test } from '@jupyterlab/galata';
import { expectKernel, notebookJson, runNewCell } from './helpers';

const SLIDER =
  'import ipywidgets as w\ns = w.IntSlider(min=0, max=255, value=0)\ns';

test('a frozen page holds neither the kernel nor the other page, and catches up on waking', async ({
  page,
  baseURL,
  tmpPath
}) => {
  const path = `${tmpPath}/frozen.ipynb`;
  await page.contents.uploadContent(notebookJson([SLIDER]), 'text', path);
  await page.notebook.openByPath(path);
  await page.notebook.runCell(0, true);
  await expect(page.locator('.widget-readout').first()).toHaveText('0');
  await page.notebook.save();

  const other = await page.context().newPage();
  await other.goto(`${baseURL}/lab/tree/${path}`);
  const otherReadout = other.locator('.widget-readout').first();
  await expect(otherReadout).toHaveText('0', { timeout: 60000 });
  const cdp = await page.context().newCDPSession(other);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  await page.bringToFront(); // the page the user works in, with its animation frames
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
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  }
  await expect(otherReadout).toHaveText('77', { timeout: 60000 });
  await other.close();
});
