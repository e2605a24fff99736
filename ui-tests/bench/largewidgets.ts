/**
 * ipywidgets figures of the large group, on the page large.bench.ts set up (its `window.bench`
 * opens comms to the kernel's 'echo' target):
 *
 * - slider: an IntSlider's ArrowRight (a keydown on its handle, as slider.bench.ts does) to
 *   the kernel's echo_update of that value reaching the page's kernel connection, one key per
 *   animation frame, each after the last echo: idle, then while BENCH_LARGE_BUSY_MB MB travel
 *   kernel to page on another comm (the 'echo' target's `down`).
 * - image: a displayed `Image`; the kernel first builds BENCH_LARGE_IMAGE_MB MB of bytes (each
 *   time different), then on a second ask sets `value` to them. From that ask to the `<img>`'s
 *   `src` changing (the view sets it to a blob of the model's value as the change arrives);
 *   afterwards the blob's size, which must be the bytes set.
 * - upload: an ipywidgets FileUpload through the file chooser (the bytes the kernel got).
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import { runCell, runNewCell } from '../tests/helpers';
import { uploadThrough } from '../tests/large';

/** Kernel code the 'echo' target runs for the image asks (the global `bench_image`). */
export const IMAGE_PY = [
  'bench_image_bytes = b""',
  'def image_ask(data):',
  '    global bench_image_bytes',
  "    if 'prepare' in data:",
  "        n = data['prepare']",
  "        bench_image_bytes = bytes([data['variant'] & 255]) + bytes(payload(n - 1))",
  '    else:',
  '        bench_image.value = bench_image_bytes'
].join('\n');

/** Creates and shows the IntSlider, then times its key round trips idle and during a download. */
export async function sliderDuringDownload(
  page: IJupyterLabPageFixture,
  count: number,
  busyMb: number,
  never: number
): Promise<unknown> {
  const cell = await runNewCell(
    page,
    'import ipywidgets as w\nbench_slider = w.IntSlider(min=0, max=10**9, value=0)\nbench_slider'
  );
  const handle = (await page.notebook.getCellLocator(cell))!.locator(
    '.widget-slider .noUi-handle'
  );
  await expect(handle).toBeVisible({ timeout: never });
  return page.evaluate(sliderKeys, [count, busyMb, never] as [
    number,
    number,
    number
  ]);
}

async function sliderKeys([count, busyMb, never]: [number, number, number]) {
  const w = window as any;
  const kernel = w.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const waiters = new Map<number, () => void>();
  const onMessage = (_: unknown, args: any) => {
    const data = args.msg.content?.data;
    if (args.direction === 'recv' && data?.method === 'echo_update') {
      waiters.get(data.state?.value)?.();
    }
  };
  kernel.anyMessage.connect(onMessage);
  const handle = document.querySelector(
    '.widget-slider .noUi-handle'
  ) as HTMLElement;
  let value = 0;
  let lost = false;
  const press = async () => {
    const v = ++value;
    const echoed = new Promise<number>(resolve =>
      waiters.set(v, () => resolve(performance.now()))
    );
    const t0 = performance.now();
    handle.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })
    );
    const t1 = await Promise.race([
      echoed,
      new Promise<null>(r => setTimeout(() => r(null), never))
    ]);
    waiters.delete(v);
    return t1 === null ? null : t1 - t0;
  };
  const series = async (until: () => boolean, max: number) => {
    const out: number[] = [];
    while (out.length < max && !until() && !lost) {
      await new Promise(r => requestAnimationFrame(r));
      const ms = await press();
      if (ms === null) {
        lost = true;
      } else {
        out.push(ms);
      }
    }
    return out;
  };
  const idle = await series(() => false, count);
  let done = false;
  const t0 = performance.now();
  const transfer = w.bench
    .open()
    .ask({ down: busyMb * 1e6 })
    .then(() => (done = true));
  const keys = await series(() => done, 100000);
  await Promise.race([transfer, new Promise(r => setTimeout(r, never))]);
  kernel.anyMessage.disconnect(onMessage);
  return {
    idle,
    down: { keys, transferMs: done ? performance.now() - t0 : null },
    lost
  };
}

/** Creates and shows an Image, then times `repeats` updates of its value to `mb` MB. */
export async function imageUpdates(
  page: IJupyterLabPageFixture,
  mb: number,
  repeats: number,
  never: number
): Promise<unknown> {
  const cell = await runNewCell(
    page,
    "import ipywidgets as w\nbench_image = w.Image(format='png')\nbench_image"
  );
  const img = (await page.notebook.getCellLocator(cell))!.locator(
    '.widget-image'
  );
  await expect(img).toBeAttached({ timeout: never });
  return page.evaluate(imageTimes, [mb, repeats, never] as [
    number,
    number,
    number
  ]);
}

async function imageTimes([mb, repeats, never]: [number, number, number]) {
  const b = (window as any).bench;
  const comm = b.open();
  const img = document.querySelector('.widget-image') as HTMLImageElement;
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    await comm.ask({ image: 1, prepare: mb * 1e6, variant: i + 1 });
    const changed = new Promise<number>(resolve => {
      const observer = new MutationObserver(() => {
        observer.disconnect();
        resolve(performance.now());
      });
      observer.observe(img, { attributes: true, attributeFilter: ['src'] });
    });
    const t0 = performance.now();
    void comm.ask({ image: 1 });
    const t1 = await Promise.race([
      changed,
      new Promise<null>(r => setTimeout(() => r(null), never))
    ]);
    if (t1 === null) {
      break;
    }
    ms.push(t1 - t0);
  }
  const blob = await (await fetch(img.src)).arrayBuffer();
  return { ms, bytes: blob.byteLength };
}

/** An ipywidgets FileUpload of `size` bytes through the file chooser; the bytes the kernel
 * ends up with (0: its value stayed empty for `never` ms). */
export async function fileUpload(
  page: IJupyterLabPageFixture,
  size: number,
  never: number
): Promise<number> {
  const cell = await runNewCell(
    page,
    'import ipywidgets as w\nup = w.FileUpload()\nup'
  );
  const button = (await page.notebook.getCellLocator(cell))!.locator(
    '.widget-upload'
  );
  await uploadThrough(page, button, Buffer.alloc(size, 7));
  const probe = await runNewCell(page, 'pass');
  const read = async () =>
    Number(
      await runCell(
        page,
        probe,
        'print(len(up.value[0].content) if up.value else 0)'
      )
    );
  let seen = 0;
  const deadline = Date.now() + never;
  while (Date.now() < deadline && seen === 0) {
    seen = await read();
  }
  return seen;
}
