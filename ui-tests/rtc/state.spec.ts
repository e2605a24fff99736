/**
 * A synced state under real-time collaboration (jupyter-collaboration): two users on one
 * notebook and one kernel see one state, and a reload renders the current value first.
 */
import { expect, test } from '@jupyterlab/galata';
import { reloadWith, runCell, runNewCell } from '../tests/helpers';
import { counterIn, firstCounts, STATE_COUNTER_CELL } from '../tests/state';
import { execute, join, openNew, secondPage, shutdownKernels } from './pages';

// Galata's session and kernel mocks would give each page its own kernel.
test.use({ kernels: null, sessions: null } as never);

test.afterEach(async ({ page }) => shutdownKernels(page));

test('two users drive one synced counter, and a reload shows the current count first', async ({
  page,
  browser,
  baseURL,
  tmpPath,
  waitForApplication
}) => {
  const path = `${tmpPath}/state.ipynb`;
  await openNew(page, path, [STATE_COUNTER_CELL]);
  await page.notebook.runCell(0, true);
  await expect(counterIn(page)).toHaveText('count 0');
  const two = await secondPage({
    browser,
    baseURL: baseURL!,
    tmpPath,
    waitForApplication
  });
  await join(page, two, path);
  await expect(counterIn(two)).toHaveText('count 0');
  for (let i = 0; i < 5; i++) {
    await counterIn(page).click();
    await counterIn(two).click();
  }
  // Both end on the kernel's value. Two pages can show one value while a set is still on
  // its way, so the kernel is asked too (a probe cell), until all three agree.
  const probe = await runNewCell(page, 'pass');
  await expect
    .poll(async () => {
      const kernel = `count ${await runCell(page, probe, "print(c.state['count'])")}`;
      const shown = [
        await counterIn(page).textContent(),
        await counterIn(two).textContent()
      ];
      return shown.every(text => text === kernel);
    })
    .toBe(true);
  // A value only the kernel set, for the reload to show first.
  await execute(page, "c.state['count'] = 1000 + c.state['count']");
  await expect(counterIn(page)).toHaveText(/count 10\d\d/);
  const shown = await counterIn(page).textContent();
  await expect(counterIn(two)).toHaveText(shown!);
  await reloadWith(two, tmpPath, 'state.ipynb');
  await expect(counterIn(two)).toHaveText(shown!);
  expect(await firstCounts(two)).toEqual([shown]);
  await two.context().close();
});

test('a view that reaches a collaborator before its comm renders once the comm is known, and is live', async ({
  page,
  browser,
  baseURL,
  tmpPath,
  waitForApplication
}) => {
  const path = `${tmpPath}/early.ipynb`;
  await openNew(page, path, [STATE_COUNTER_CELL]);
  const two = await secondPage({
    browser,
    baseURL: baseURL!,
    tmpPath,
    waitForApplication
  });
  await join(page, two, path);
  // Output another user's run made is not trusted (module code would not run): user two
  // trusts the notebook, as the view's note says to.
  await two.evaluate(() => {
    // Not awaited: the command resolves when its dialog closes.
    void (window as any).jupyterapp.commands.execute('notebook:trust');
  });
  await two.locator('.jp-Dialog .jp-mod-accept').click();
  // User two has the notebook open when user one runs the cell: the output reaches user two
  // through the shared document, racing the comm_open on user two's kernel connection.
  await page.notebook.runCell(0, true);
  await expect(counterIn(two)).toHaveText('count 0');
  await counterIn(two).click();
  await expect(counterIn(page)).toHaveText('count 1');
  await counterIn(page).click();
  await expect(counterIn(two)).toHaveText('count 2');
  await expect(
    two.locator('.jp-ipycomm-view .jp-ipycomm-error').filter({ hasText: /\S/ })
  ).toHaveCount(0);
  await two.context().close();
});
