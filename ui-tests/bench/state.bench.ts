/**
 * Synced-state figures (issue 23), written as `state.json` to BENCH_OUT_DIR (see common.ts).
 * Two pages of one browser on one saved notebook and one kernel: page A changes a value, page
 * B shows it. Both stamp with epoch ms (twopages.ts); B stamps when the view's text changes.
 *
 * - sets: BENCH_STATE_SETS paced changes in A (each waits for B to show the previous one):
 *   `comm.state.set('count', n)` on a synced counter (ipycomm only), and an ArrowRight on an
 *   ipywidgets IntSlider's handle (both sides); A's call to B's view showing the value.
 * - reloads: BENCH_STATE_RELOADS times, the kernel changes both values after the notebook was
 *   saved (the saved outputs are stale), then B reloads: from its navigation start to each
 *   view first showing the current value, and whether the first value it showed was stale.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import { SLIDER } from '../tests/frozen';
import { notebookJson, runCell } from '../tests/helpers';
import { STATE_COUNTER_CELL } from '../tests/state';
import { SIDE, wanted, writeResult } from './common';
import { arrival, clockOffset, IShown, recordShown, shown } from './twopages';

const SETS = Number(process.env.BENCH_STATE_SETS ?? 40);
const RELOADS = Number(process.env.BENCH_STATE_RELOADS ?? 3);
const SYNCED = SIDE === 'ipycomm'; // the synced state exists only with ipycomm
/** Page B's document loads (their URLs) since last read, for the results. */
const loads: string[] = [];

/** In A: set the counter to `n`; the epoch ms just before the call. */
const setCount = (a: Page, n: number): Promise<number> =>
  a.evaluate((value: number) => {
    const at = performance.timeOrigin + performance.now();
    (window as any).__stateComm.state.set('count', value);
    return at;
  }, n);

/** In A: one ArrowRight on the IntSlider's handle; the epoch ms just before it. */
const stepSlider = (a: Page): Promise<number> =>
  a.evaluate(() => {
    const handle = document.querySelector('.widget-slider .noUi-handle')!;
    const at = performance.timeOrigin + performance.now();
    handle.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })
    );
    return at;
  });

/** `SETS` paced changes in A, each timed until B shows it (ms). */
async function setsShownInB(
  a: Page,
  b: Page,
  kind: 'counter' | 'readout'
): Promise<number[]> {
  const times: number[] = [];
  for (let n = 1; n <= SETS; n++) {
    const text = kind === 'counter' ? `count ${n}` : String(n);
    const sent = await (kind === 'counter' ? setCount(a, n) : stepSlider(a));
    times.push((await arrival(b, kind, text)) - sent);
  }
  return times;
}

/** From navigation start: the first text shown, when, and when `current` first showed. */
function firstShown(texts: IShown[], current: string): any {
  const hit = texts.find(x => x.text === current);
  return {
    first: texts[0]?.text ?? null,
    firstMs: texts[0]?.at ?? null,
    currentMs: hit?.at ?? null,
    stale: texts.length > 0 && texts[0].text !== current
  };
}

/**
 * The kernel changes the values (A runs the cell), then B reloads until it shows them. B
 * reloads its own URL: the first open moved it to a workspace of its own (JupyterLab does
 * that, with a second document load, for a second window on a workspace in use).
 */
async function reloadB(
  a: IJupyterLabPageFixture,
  b: Page,
  k: number
): Promise<any> {
  const count = `count ${1000 + k}`;
  const value = String(200 + k);
  const code =
    `s.value = ${value}` + (SYNCED ? `\nc.state['count'] = ${1000 + k}` : '');
  await runCell(a, SYNCED ? 2 : 1, code);
  await b.bringToFront(); // a user reloads the page in front
  loads.splice(0);
  await b.reload();
  await arrival(b, 'readout', value);
  const result: any = {
    loads: loads.splice(0),
    slider: firstShown(await shown(b, 'readout'), value)
  };
  if (SYNCED) {
    await arrival(b, 'counter', count);
    result.counter = firstShown(await shown(b, 'counter'), count);
  }
  await a.bringToFront();
  return result;
}

/** Open the notebook in A, run its cells, save it (values 0), and open it in B. */
async function openTwoPages(
  page: IJupyterLabPageFixture,
  path: string
): Promise<Page> {
  const cells = [...(SYNCED ? [STATE_COUNTER_CELL] : []), SLIDER, ''];
  await page.contents.uploadContent(notebookJson(cells), 'text', path);
  await page.notebook.openByPath(path);
  for (let i = 0; i < cells.length - 1; i++) {
    await page.notebook.runCell(i, true);
  }
  await expect(page.locator('.widget-readout').first()).toHaveText('0');
  await page.notebook.save();
  const other = await page.context().newPage();
  other.on('dialog', dialog => void dialog.accept()); // "leave the page?" on reload
  await other.addInitScript(recordShown);
  other.on('load', () => loads.push(other.url()));
  const url = `${new URL(page.url()).origin}/lab/tree/${path}`;
  await other.goto(url);
  await arrival(other, 'readout', '0');
  if (SYNCED) {
    await arrival(other, 'counter', 'count 0');
  }
  await page.bringToFront();
  return other;
}

test('synced state figures: sets seen in a second page, reloads', async ({
  page,
  tmpPath
}) => {
  test.skip(!wanted('state'), 'state figures not selected');
  const other = await openTwoPages(page, `${tmpPath}/state.ipynb`);
  const clock = await clockOffset(page, other);
  const opened = loads.splice(0);
  const visible = await other.evaluate(() => document.visibilityState);
  const counterMs = SYNCED ? await setsShownInB(page, other, 'counter') : null;
  const sliderMs = await setsShownInB(page, other, 'readout');
  const reloads = [];
  for (let k = 1; k <= RELOADS; k++) {
    reloads.push(await reloadB(page, other, k));
  }
  await other.close();
  writeResult('state', {
    state: { opened, clock, visible, counterMs, sliderMs, reloads }
  });
});
