/**
 * Slider figures for one side of the benchmark (BENCH_SIDE = ipycomm | stock), written as
 * `slider.json` to BENCH_OUT_DIR (see common.ts). Everything is timed in the page with
 * performance.now(), from the input event to the kernel's reply arriving on the page's kernel
 * connection.
 */
import { expect, test } from '@jupyterlab/galata';
import {
  runNewCell,
  SEED_SLIDER,
  setSource,
  viewsInCell
} from '../tests/helpers';
import { IMPORT, SIDE, wanted, writeResult } from './common';
import { commEchoes, ECHO_TARGET, kernelInfoRoundTrips } from './roundtrips';

const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 60);

// The same SimpleSlider on both sides; only the comm layer differs. The observer replies, so
// the page sees when the kernel has handled each value_change.
const SLIDER =
  SEED_SLIDER.replace('from ipycomm import Comm', IMPORT) +
  "\nslider.observe(lambda old, new: slider.comm.send({'action': 'update_value', 'value': new}))\n";
const INTSLIDER =
  (SIDE === 'ipycomm' ? 'import ipycomm\n' : '') +
  'import ipywidgets as w\ns = w.IntSlider(min=0, max=255, value=0)\ns';

/** In-page measurement helpers, installed once per page. */
function installProbe(): void {
  const w = window as any;
  const kernel = w.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const probe = { waiters: new Map<string, () => void>(), sent: 0 };
  kernel.anyMessage.connect((_: unknown, args: any) => {
    const msg = args.msg;
    if (msg.header.msg_type !== 'comm_msg') {
      return;
    }
    const data = msg.content.data;
    if (args.direction === 'send') {
      if (data.action === 'value_change' || data.method === 'update') {
        probe.sent++;
      }
      return;
    }
    const value =
      data.action === 'update_value' ? data.value : data.state?.value;
    const key = `${data.action ?? data.method}:${value}`;
    probe.waiters.get(key)?.();
  });
  w.benchProbe = probe;
}

/** Resolves when the kernel's reply `key` reaches the page. */
function replyFor(key: string): Promise<number> {
  const probe = (window as any).benchProbe;
  return new Promise(resolve => {
    probe.waiters.set(key, () => {
      probe.waiters.delete(key);
      resolve(performance.now());
    });
  });
}

async function sliderRoundTrips(page: any, count: number): Promise<number[]> {
  return page.evaluate(
    async ([n, replyForSrc]: [number, string]) => {
      const replyFor = new Function(`return (${replyForSrc})`)();
      const input = document.querySelector(
        '.jp-ipycomm-slider-input'
      ) as HTMLInputElement;
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        // One input per frame, like a key held down: each one is sent at once.
        await new Promise(r => requestAnimationFrame(r));
        const value = 10 + (i % 200);
        const reply = replyFor(`update_value:${value}`);
        const start = performance.now();
        input.value = String(value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        times.push((await reply) - start);
      }
      return times;
    },
    [count, replyFor.toString()]
  );
}

async function sliderDrag(page: any): Promise<{
  sent: number;
  frames: number;
  durationMs: number;
  settleMs: number;
}> {
  return page.evaluate(async (replyForSrc: string) => {
    const replyFor = new Function(`return (${replyForSrc})`)();
    const probe = (window as any).benchProbe;
    const input = document.querySelector(
      '.jp-ipycomm-slider-input'
    ) as HTMLInputElement;
    input.value = '0';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise(r => setTimeout(r, 200));
    probe.sent = 0;
    let frames = 0;
    let dragging = true;
    const countFrames = () => {
      frames++;
      if (dragging) {
        requestAnimationFrame(countFrames);
      }
    };
    requestAnimationFrame(countFrames);
    const final = replyFor('update_value:255');
    const started = performance.now();
    // 255 steps, one every 2 ms: a fast drag across the whole range.
    for (let v = 1; v <= 255; v++) {
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise(r => setTimeout(r, 2));
    }
    const released = performance.now();
    dragging = false;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    const settled = await final;
    return {
      sent: probe.sent,
      frames,
      durationMs: released - started,
      settleMs: settled - released
    };
  }, replyFor.toString());
}

async function intSliderRoundTrips(
  page: any,
  count: number
): Promise<number[]> {
  return page.evaluate(
    async ([n, replyForSrc]: [number, string]) => {
      const replyFor = new Function(`return (${replyForSrc})`)();
      const handle = document.querySelector(
        '.widget-slider .noUi-handle'
      ) as HTMLElement;
      const times: number[] = [];
      for (let i = 1; i <= n; i++) {
        await new Promise(r => requestAnimationFrame(r));
        const reply = replyFor(`echo_update:${i}`);
        const start = performance.now();
        handle.dispatchEvent(
          new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })
        );
        times.push((await reply) - start);
      }
      return times;
    },
    [count, replyFor.toString()]
  );
}

async function intSliderDrag(
  page: any
): Promise<{ sent: number; settleMs: number }> {
  return page.evaluate(async (replyForSrc: string) => {
    const replyFor = new Function(`return (${replyForSrc})`)();
    const probe = (window as any).benchProbe;
    const handle = document.querySelector(
      '.widget-slider .noUi-handle'
    ) as HTMLElement;
    handle.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Home', bubbles: true })
    );
    await new Promise(r => setTimeout(r, 200));
    probe.sent = 0;
    const final = replyFor('echo_update:255');
    for (let v = 1; v <= 255; v++) {
      handle.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })
      );
      await new Promise(r => setTimeout(r, 2));
    }
    const released = performance.now();
    const settled = await final;
    return { sent: probe.sent, settleMs: settled - released };
  }, replyFor.toString());
}

test('slider figures', async ({ page }) => {
  test.skip(!wanted('slider'), 'slider figures not selected');
  await page.notebook.createNew('bench.ipynb');
  await setSource(page, 0, SLIDER);
  await page.notebook.runCell(0, true);
  await expect(
    (await viewsInCell(page, 0)).getByRole('slider')
  ).toHaveAttribute('aria-valuenow', '128');
  const widgetCell = await runNewCell(page, INTSLIDER);
  const cell = await page.notebook.getCellLocator(widgetCell);
  await expect(cell!.locator('.widget-slider .noUi-handle')).toBeVisible();
  await runNewCell(page, ECHO_TARGET);
  await page.evaluate(installProbe);

  const result = {
    slider_round_trip_ms: await sliderRoundTrips(page, ROUND_TRIPS),
    slider_drag: await sliderDrag(page),
    intslider_round_trip_ms: await intSliderRoundTrips(page, ROUND_TRIPS),
    intslider_drag: await intSliderDrag(page),
    kernel_info_round_trip_ms: await kernelInfoRoundTrips(page, ROUND_TRIPS),
    comm_echo_paced_ms: await commEchoes(page, ROUND_TRIPS, true),
    comm_echo_back_to_back_ms: await commEchoes(page, ROUND_TRIPS, false),
    kernel_info_back_to_back_ms: await kernelInfoRoundTrips(
      page,
      ROUND_TRIPS,
      false
    )
  };
  writeResult('slider', result);
});
