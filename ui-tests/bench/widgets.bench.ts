/**
 * ipywidgets figures for one side of the benchmark (BENCH_SIDE = ipycomm | stock), written to
 * BENCH_OUT_DIR as `widgets.json` (see common.ts), under `widget_push` and `frozen_page`. The notebook never imports ipycomm: on the
 * ipycomm side it is active in every kernel, and the stock side's server starts kernels with
 * IPYCOMM_ACTIVATE=0.
 *
 * push: a cell sets an IntSlider's value BENCH_WIDGET_PUSH times in a loop (i % 256), then 77,
 *   and prints how long the loop took in the kernel. Timed in the page with performance.now():
 *   from the cell's start to the view showing 77 (null if it never does within 90 s), and
 *   whether the print showed before that and whether "IOPub message rate exceeded" showed.
 *
 * frozen: two pages on one notebook's kernel; one is frozen as Chromium freezes background
 *   tabs (CDP Page.setWebLifecycleState). The other runs BENCH_FROZEN_PUSH updates then 77 and
 *   a print. Timed in the live page: cell start to its view at 77, and to the print (the cell
 *   finished: the kernel no longer waits for anyone). Then the frozen page wakes: wake to its
 *   view at 77.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import { openFrozenPeer, SLIDER } from '../tests/frozen';
import { runNewCell } from '../tests/helpers';
import { wanted, writeResult } from './common';

const PUSH = Number(process.env.BENCH_WIDGET_PUSH ?? 20000);
const FROZEN_PUSH = Number(process.env.BENCH_FROZEN_PUSH ?? 3000);
const NEVER_MS = 90000;

function pushCode(count: number): string {
  return (
    'import time\nt0 = time.perf_counter()\n' +
    `for i in range(${count}):\n    s.value = i % 256\n` +
    "s.value = 77\nprint(f'pushed in {(time.perf_counter() - t0) * 1000:.0f} ms')"
  );
}

/** In the page: start watching the first IntSlider readout (and the page's text) from now. */
function watch(): void {
  const w = window as any;
  const state = {
    start: performance.now(),
    final: null,
    printed: null,
    warned: false
  } as any;
  const check = () => {
    const readout = document.querySelector('.widget-readout');
    if (state.final === null && readout?.textContent?.trim() === '77') {
      state.final = performance.now();
    }
    const text = document.body.innerText;
    if (state.printed === null && /pushed in \d+ ms/.test(text)) {
      state.printed = performance.now();
    }
    state.warned ||= text.includes('IOPub message rate exceeded');
  };
  w.benchWatch = state;
  new MutationObserver(check).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true
  });
  check(); // a page that caught up before this ran
}

/** Wait until the page's watch saw the final value (or NEVER_MS passed); its figures. */
async function watched(page: Page): Promise<any> {
  await page
    .waitForFunction(() => (window as any).benchWatch.final !== null, null, {
      timeout: NEVER_MS
    })
    .catch(() => undefined); // the stock side may never get there: recorded as null
  return page.evaluate(() => {
    const s = (window as any).benchWatch;
    const since = (t: number | null) => (t === null ? null : t - s.start);
    return {
      final_ms: since(s.final),
      printed_ms: since(s.printed),
      warned: s.warned
    };
  });
}

function loopMs(text: string): number | null {
  const match = /pushed in (\d+) ms/.exec(text);
  return match ? Number(match[1]) : null;
}

/** What the push test measured, written with the frozen-page figures. */
let pushFigures: unknown = null;

test('ipywidgets push figures', async ({ page }) => {
  test.skip(!wanted('widgets'), 'widgets figures not selected');
  await page.notebook.createNew('push.ipynb');
  const cell = await runNewCell(page, SLIDER);
  const view = (await page.notebook.getCellLocator(cell))!;
  await expect(view.locator('.widget-readout')).toHaveText('0');
  await page.evaluate(watch);
  await runNewCell(page, pushCode(PUSH), false);
  const seen = await watched(page);
  const pushCell = (await page.notebook.getCellLocator(cell + 1))!;
  // The stock side may lose the print to the rate limit: its loop time is then unknown.
  await expect(pushCell.locator('.jp-OutputArea-output'))
    .toContainText(/pushed in|IOPub message rate exceeded/, {
      timeout: NEVER_MS
    })
    .catch(() => undefined);
  const loop = loopMs((await pushCell.textContent()) ?? '');
  pushFigures = {
    ...seen,
    loop_ms: loop,
    after_loop_ms:
      seen.final_ms === null || loop === null ? null : seen.final_ms - loop,
    printed_first:
      seen.printed_ms !== null && (seen.final_ms ?? Infinity) > seen.printed_ms
  };
});

// A fresh page: one notebook, so the page's first readout is the shared slider's.
test('frozen page figures', async ({ page, tmpPath }) => {
  test.skip(!wanted('widgets'), 'widgets figures not selected');
  writeResult('widgets', {
    widget_push: pushFigures,
    frozen_page: await frozenPage(page, tmpPath)
  });
});

/** The frozen-page figures, on a fresh notebook file both pages open. */
async function frozenPage(
  page: IJupyterLabPageFixture,
  dir: string
): Promise<any> {
  const { other, wake } = await openFrozenPeer(
    page,
    `${dir}/frozen.ipynb`,
    NEVER_MS
  );
  await page.evaluate(watch);
  await runNewCell(page, pushCode(FROZEN_PUSH), false);
  const live = await watched(page);
  await page
    .waitForFunction(() => (window as any).benchWatch.printed !== null, null, {
      timeout: NEVER_MS
    })
    .catch(() => undefined);
  const printed = await page.evaluate(() => {
    const s = (window as any).benchWatch;
    return s.printed === null ? null : s.printed - s.start;
  });

  await wake();
  await other.evaluate(watch);
  const woken = await watched(other);
  await other.close();
  return {
    other_final_ms: live.final_ms,
    cell_done_ms: printed,
    woken_final_ms: woken.final_ms
  };
}
