/**
 * Real-time collaboration (jupyter-collaboration, ui-tests/requirements-rtc.txt): two users
 * in two browser contexts on one notebook and one kernel.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import {
  expectKernel,
  reloadWith,
  runNewCell,
  SEED_SLIDER
} from '../tests/helpers';
import {
  documentSeen,
  execute,
  join,
  openNew,
  secondPage,
  shutdownKernels,
  watchDocument
} from './pages';

const INT_SLIDER =
  'import ipywidgets as w\ns = w.IntSlider(max=255)\ndisplay(s)';

// Galata's session and kernel mocks would give each page its own kernel.
test.use({ kernels: null, sessions: null } as never);

test.afterEach(async ({ page }) => shutdownKernels(page));

/** The seed slider under cell 0. */
const seed = (page: IJupyterLabPageFixture): Locator =>
  page
    .locator('.jp-Notebook .jp-Cell')
    .nth(0)
    .locator('.jp-ipycomm-view')
    .first()
    .getByRole('slider');

/** The readout of the ipywidgets IntSlider under cell 1. */
const intSlider = (page: IJupyterLabPageFixture): Locator =>
  page.locator('.jp-Notebook .jp-Cell').nth(1).locator('.widget-slider');

/** User one opens a notebook with the seed slider and an IntSlider, and runs both. */
async function twoUsers(
  page: IJupyterLabPageFixture,
  open: Parameters<typeof secondPage>[0],
  name: string
): Promise<IJupyterLabPageFixture> {
  const path = `${open.tmpPath}/${name}`;
  await openNew(page, path, [SEED_SLIDER, INT_SLIDER]);
  await page.notebook.runCell(0, true);
  await page.notebook.runCell(1, true);
  await expect(seed(page)).toHaveAttribute('aria-valuenow', '128');
  await expect(intSlider(page).locator('.widget-readout')).toHaveText('0');
  const two = await secondPage(open);
  await join(page, two, path);
  // The seed slider re-attached to the live comm (before that it shows the saved state).
  await expect(seed(two)).toBeEnabled();
  return two;
}

test.describe('two users on one notebook and one kernel', () => {
  test('both see every view: the seed slider and the IntSlider user one displayed', async ({
    page,
    browser,
    baseURL,
    tmpPath,
    waitForApplication
  }) => {
    const open = { browser, baseURL: baseURL!, tmpPath, waitForApplication };
    const two = await twoUsers(page, open, 'views.ipynb');
    await expect(seed(two)).toHaveAttribute('aria-valuenow', '128');
    await expect(intSlider(two).locator('.widget-readout')).toHaveText('0');
    await two.context().close();
  });

  test('the seed slider moved in one page moves in the other, both ways', async ({
    page,
    browser,
    baseURL,
    tmpPath,
    waitForApplication
  }) => {
    const open = { browser, baseURL: baseURL!, tmpPath, waitForApplication };
    const two = await twoUsers(page, open, 'move.ipynb');
    await seed(two).focus();
    for (let i = 0; i < 3; i++) {
      await two.keyboard.press('ArrowRight');
    }
    await expect(seed(two)).toHaveAttribute('aria-valuenow', '131');
    await expect(seed(page)).toHaveAttribute('aria-valuenow', '131');
    const probe = await expectKernel(page, 'slider.value', '131');
    await seed(page).focus();
    await page.keyboard.press('End');
    await expect(seed(two)).toHaveAttribute('aria-valuenow', '255');
    await expectKernel(page, 'slider.value', '255', probe);
    await two.context().close();
  });

  test('an IntSlider pushed 20,000 times converges to the final value in both pages', async ({
    page,
    browser,
    baseURL,
    tmpPath,
    waitForApplication
  }) => {
    const open = { browser, baseURL: baseURL!, tmpPath, waitForApplication };
    const two = await twoUsers(page, open, 'push.ipynb');
    await runNewCell(page, 'for i in range(20000):\n    s.value = i % 255');
    // 19999 % 255
    for (const p of [page, two]) {
      await expect(intSlider(p).locator('.widget-readout')).toHaveText('109', {
        timeout: 30000
      });
    }
    await two.context().close();
  });

  test('either page drives the widgets, and a reload of either brings the current state back', async ({
    page,
    browser,
    baseURL,
    tmpPath,
    waitForApplication
  }) => {
    const open = { browser, baseURL: baseURL!, tmpPath, waitForApplication };
    const two = await twoUsers(page, open, 'reload.ipynb');
    await seed(two).focus();
    await two.keyboard.press('ArrowRight');
    await expect(seed(page)).toHaveAttribute('aria-valuenow', '129');
    await seed(page).focus();
    await page.keyboard.press('ArrowRight');
    await expect(seed(two)).toHaveAttribute('aria-valuenow', '130');
    await execute(page, 's.value = 77');
    await expect(intSlider(two).locator('.widget-readout')).toHaveText('77');
    await intSlider(two).locator('.noUi-handle').focus();
    await two.keyboard.press('ArrowRight');
    await expect(intSlider(page).locator('.widget-readout')).toHaveText('78');
    for (const p of [two, page]) {
      await reloadWith(p, tmpPath, 'reload.ipynb');
      await expect(seed(p)).toHaveAttribute('aria-valuenow', '130');
      await expect(intSlider(p).locator('.widget-readout')).toHaveText('78');
    }
    // Still live after the reloads: either page moves the slider for both.
    await seed(two).focus();
    await two.keyboard.press('ArrowRight');
    await expect(seed(page)).toHaveAttribute('aria-valuenow', '131');
    await two.context().close();
  });

  test('kernel pushes leave the notebook unmodified, and at most one page shares the state', async ({
    page,
    browser,
    baseURL,
    tmpPath,
    waitForApplication
  }) => {
    const open = { browser, baseURL: baseURL!, tmpPath, waitForApplication };
    const two = await twoUsers(page, open, 'dirty.ipynb');
    await expect(seed(two)).toHaveAttribute('aria-valuenow', '128');
    const dirty = (p: IJupyterLabPageFixture) =>
      p.evaluate(
        () => (window as any).jupyterapp.shell.currentWidget.context.model.dirty
      );
    // Running the cells modified the notebook until the server saved it.
    for (const p of [page, two]) {
      await expect.poll(() => dirty(p), { timeout: 30000 }).toBe(false);
      await watchDocument(p);
    }
    await execute(
      page,
      'for v in range(200):\n    slider.set_value(v)\nfor i in range(2000):\n    s.value = i % 255'
    );
    for (const p of [page, two]) {
      await expect(seed(p)).toHaveAttribute('aria-valuenow', '199');
      await expect(intSlider(p).locator('.widget-readout')).toHaveText('214');
    }
    // The marker: a page shared the seed slider's final state.
    await expect
      .poll(() =>
        two.evaluate(() => {
          const panel = (window as any).jupyterapp.shell.currentWidget;
          const map =
            panel.context.model.sharedModel.ydoc.getMap('ipycomm:states');
          return [...map.values()].map((state: any) => state.value);
        })
      )
      .toContain(199);
    const seen = [await documentSeen(page), await documentSeen(two)];
    expect(seen.map(s => [s.dirty, s.content])).toEqual([
      [false, 0],
      [false, 0]
    ]);
    expect(seen.filter(s => s.states > 0)).toHaveLength(1);
    await two.context().close();
  });
});
