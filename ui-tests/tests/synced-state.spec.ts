/**
 * A synced state (`ipycomm.Comm(..., state={...})`, docs/frontend-targets.md §6) in real pages:
 * the kernel orders every change, two pages on one kernel end on one value, and a page that
 * opens later renders the current value first, never a stale one.
 */
import { expect, test } from '@jupyterlab/galata';
import { expectKernel, runCell } from './helpers';
import {
  counterIn,
  firstCounts,
  savedCounter,
  secondPageOn,
  STATE_COUNTER_CELL
} from './state';

test.describe('a synced state', () => {
  test('two pages on one kernel both drive a counter and end on the kernel’s value', async ({
    page,
    tmpPath
  }) => {
    const path = await savedCounter(page, `${tmpPath}/two.ipynb`);
    const mine = counterIn(page);
    const other = await secondPageOn(page, path);
    const theirs = counterIn(other);
    await expect(theirs).toHaveText('count 0');
    // Clicks in both pages, not waiting for each other: sets cross in the kernel.
    for (let i = 0; i < 10; i++) {
      await mine.click();
      await theirs.click();
    }
    // Every page ends on the kernel's count, whichever page's set the kernel took last.
    const probe = await expectKernel(page, "'ready'", 'ready');
    await expect
      .poll(async () => {
        const kernel = `count ${await runCell(page, probe, "print(c.state['count'])")}`;
        const shown = [await mine.textContent(), await theirs.textContent()];
        return shown.every(text => text === kernel) && kernel !== 'count 0';
      })
      .toBe(true);
    await other.close();
    // Saving writes the state the page shows into the view's output.
    await page.notebook.save();
    const saved = await page.request.get(`/api/contents/${path}?content=1`);
    const view = (await saved.json()).content.cells[0].outputs
      .map((output: any) => output.data?.['application/vnd.ipycomm.view+json'])
      .find(Boolean);
    expect(`count ${view.state.state.count}`).toBe(await mine.textContent());
  });

  test('a page opened later renders the current value first, not the saved one', async ({
    page,
    tmpPath
  }) => {
    const path = await savedCounter(page, `${tmpPath}/late.ipynb`); // it holds count 0
    await expectKernel(
      page,
      "c.state.update(count=42) or c.state['count']",
      '42'
    );
    const other = await secondPageOn(page, path);
    await expect(counterIn(other)).toHaveText('count 42');
    expect(await firstCounts(other)).toEqual(['count 42']);
    await other.close();
  });

  test('a 5 MB binary value goes to the kernel and back byte for byte', async ({
    page
  }) => {
    await page.notebook.createNew('binary.ipynb');
    await page.notebook.setCell(0, 'code', STATE_COUNTER_CELL);
    await page.notebook.runCell(0, true);
    await expect(counterIn(page)).toHaveText('count 0');
    const sent = await page.evaluate(() => {
      const bytes = new Uint8Array(5 * 1024 * 1024).map(
        (_, i) => (i * 7) % 251
      );
      (window as any).__stateComm.state.set('blob', bytes);
      return bytes.reduce((sum, b) => (sum + b) % 1000003, 0);
    });
    const sum = "sum(c.state.get('blob', b'')) % 1000003";
    await expectKernel(page, sum, String(sent));
    // The kernel sends it back reversed, as a new key.
    await expectKernel(
      page,
      "c.state.update(back=c.state['blob'][::-1]) or 'ok'",
      'ok'
    );
    await page.waitForFunction(
      () => (window as any).__stateComm.state.get('back') !== undefined,
      null,
      { timeout: 60000 }
    );
    const back = await page.evaluate(() => {
      const view = (window as any).__stateComm.state.get('back') as DataView;
      const bytes = new Uint8Array(
        view.buffer,
        view.byteOffset,
        view.byteLength
      );
      return [
        bytes.length,
        bytes[0],
        bytes.reduce((s, b) => (s + b) % 1000003, 0)
      ];
    });
    expect(back).toEqual([
      5 * 1024 * 1024,
      ((5 * 1024 * 1024 - 1) * 7) % 251,
      sent
    ]);
  });
});
