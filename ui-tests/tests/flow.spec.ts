/**
 * Flow control and batches end to end (docs/flow-control.md): a kernel that pushes far faster
 * than the page takes loses nothing. With the stock stack a 20,000-message push reaches the
 * page as 5.5k–7.2k messages and "IOPub message rate exceeded" (jupyter_server's iopub rate
 * limit, then the kernel's iopub high-water mark).
 */
import { expect, test } from '@jupyterlab/galata';
import { setSource, viewsInCell } from './helpers';

const PUSH = `from ipycomm import Comm
comm = Comm(target_name='my_widget')
for i in range(20000):
    comm.send({'action': 'push', 'i': i})
print('done')`;

test('a kernel pushing 20,000 messages loses none and hits no rate limit @matrix', async ({
  page
}) => {
  test.setTimeout(180000);
  const lost: string[] = [];
  page.on('console', message => {
    if (message.text().includes('lost on the way')) {
      lost.push(message.text());
    }
  });
  await page.notebook.createNew('push.ipynb');
  await setSource(page, 0, PUSH);
  // Not waiting for the cell: a push that loses messages may keep it busy for a long time.
  await page.notebook.runCell(0, { inplace: true, wait: false });

  const view = (await viewsInCell(page, 0)).first();
  const count = view.locator('.jp-ipycomm-count');
  // The frontend warns at once when seq skips (messages lost on the way): stop waiting then.
  await expect
    .poll(
      async () => (lost.length ? lost.join('; ') : await count.textContent()),
      { timeout: 120000 }
    )
    .toMatch(/^20000 messages received|lost on the way/);
  expect(lost).toEqual([]);
  await expect(count).toContainText('20000 messages received');
  // In order, the last one last.
  await expect(view.locator('.jp-ipycomm-log-entry').last()).toContainText(
    '"i":19999'
  );
  const output = async () =>
    ((await page.notebook.getCellTextOutput(0)) ?? []).join('\n');
  await expect.poll(output).toContain('done');
  expect(await output()).not.toContain('IOPub message rate exceeded');
  expect(lost).toEqual([]);
});
