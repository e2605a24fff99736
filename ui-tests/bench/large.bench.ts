/**
 * Large-message figures for one side (BENCH_SIDE = ipycomm | stock), written to BENCH_OUT_DIR
 * as `large.json` (see common.ts). The notebook never imports ipycomm; the stock side's kernels
 * run the stock comm layer, and the page's extension then sends every message whole.
 *
 * - up: the page sends BENCH_LARGE_UP_MB MB on a comm (kernel.createComm().send, one buffer);
 *   the kernel answers with its length once its handler has it. Send to answer, in ms (null:
 *   no answer within NEVER_MS, the message was lost).
 * - down: the page asks on a comm, the kernel answers with BENCH_LARGE_DOWN_MB MB. Ask to the
 *   whole message in the page, in ms.
 * - upload: an ipywidgets FileUpload of BENCH_LARGE_UPLOAD_MB MB through the file chooser: the
 *   bytes the kernel's `value` holds once it changes (0: it stayed empty).
 * - echo: a small comm echo, one at a time, idle and while BENCH_LARGE_BUSY_MB MB travel on
 *   another comm, kernel to page (both sides) and page to kernel (ipycomm only: stock loses it).
 * - gigabyte: BENCH_LARGE_GB_MB MB page to kernel (ipycomm only), with the kernel's and the
 *   server's peak resident memory (VmHWM) before and after, and the page's.
 * - ceiling: the same sizes up and down through a bare websocket server, from this page, as
 *   1 MiB messages and as one message (ceiling.ts; both sides, the same server).
 * - slider, image: an IntSlider key round trip idle and during a BENCH_LARGE_BUSY_MB MB
 *   download, and a BENCH_LARGE_IMAGE_MB MB Image.value update (largewidgets.ts).
 */
import { IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { runNewCell } from '../tests/helpers';
import { PAYLOAD_PY } from '../tests/large';
import { ceilingFigures } from './ceiling';
import { SIDE, wanted, writeResult } from './common';
import {
  fileUpload,
  IMAGE_PY,
  imageUpdates,
  sliderDuringDownload
} from './largewidgets';

const UP_MB = Number(process.env.BENCH_LARGE_UP_MB ?? 50);
const DOWN_MB = Number(process.env.BENCH_LARGE_DOWN_MB ?? 50);
const UPLOAD_MB = Number(process.env.BENCH_LARGE_UPLOAD_MB ?? 30);
const BUSY_MB = Number(process.env.BENCH_LARGE_BUSY_MB ?? 200);
const GB_MB = Number(process.env.BENCH_LARGE_GB_MB ?? 1000);
const IMAGE_MB = Number(process.env.BENCH_LARGE_IMAGE_MB ?? 5);
const IMAGE_REPEATS = 5;
const ECHOES = 30;
const NEVER_MS = 30000;

/** The kernel side: an 'echo' target that answers every message, and sends big ones on ask. */
const KERNEL_PY = [
  PAYLOAD_PY,
  IMAGE_PY,
  'import os, resource',
  'from comm import get_comm_manager',
  'def hwm(pid):',
  "    for line in open(f'/proc/{pid}/status'):",
  "        if line.startswith('VmHWM'):",
  '            return int(line.split()[1]) * 1024',
  'def memory():',
  "    return {'kernel': hwm(os.getpid()), 'server': hwm(os.getppid())}",
  'def echo(comm, open_msg):',
  '    def on_msg(msg):',
  "        data, bufs = msg['content']['data'], msg['buffers']",
  "        if 'down' in data:",
  "            comm.send({'down': 1}, buffers=[payload(data['down'])])",
  "        elif 'image' in data:",
  '            image_ask(data)',
  "            comm.send({'image': 1})",
  '        else:',
  "            comm.send({'n': data.get('n'), 'got': [len(b) for b in bufs], 'memory': memory()})",
  '    comm.on_msg(on_msg)',
  "get_comm_manager().register_target('echo', echo)"
].join('\n');

/** In the page: comms to 'echo', and timed exchanges on them. */
function installPageSide(): void {
  const w = window as any;
  const kernel = w.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const open = () => {
    const comm = kernel.createComm('echo');
    const waiting: ((msg: any) => void)[] = [];
    comm.onMsg = (msg: any) => waiting.shift()?.(msg);
    comm.open({});
    const ask = (data: any, buffers: ArrayBuffer[] = []) =>
      new Promise<any>(resolve => {
        waiting.push(resolve);
        comm.send(data, {}, buffers);
      });
    return { ask };
  };
  const bytes = (n: number) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      b[i] = (i * 31 + 7) & 255;
    }
    return b.buffer;
  };
  const timed = async (f: () => Promise<any>, never: number) => {
    const t0 = performance.now();
    const result = await Promise.race([
      f(),
      new Promise(resolve => setTimeout(() => resolve(null), never))
    ]);
    return { ms: result === null ? null : performance.now() - t0, result };
  };
  w.bench = { open, bytes, timed };
}

async function setUp(page: IJupyterLabPageFixture, name: string) {
  await page.notebook.createNew(name);
  await runNewCell(page, KERNEL_PY);
  await page.evaluate(installPageSide);
}

test('large messages', async ({ page }) => {
  test.setTimeout(900000);
  const result: Record<string, unknown> = {};
  if (!wanted('large')) {
    return;
  }
  await setUp(page, 'large.ipynb');
  result.up_ms = await page.evaluate(
    ([mb, never]) => {
      const b = (window as any).bench;
      const comm = b.open();
      const payload = b.bytes(mb * 1e6);
      return b
        .timed(() => comm.ask({ n: 1 }, [payload]), never)
        .then((r: any) => r.ms);
    },
    [UP_MB, NEVER_MS]
  );
  result.down_ms = await page.evaluate(
    ([mb, never]) => {
      const b = (window as any).bench;
      const comm = b.open();
      return b
        .timed(() => comm.ask({ down: mb * 1e6 }), never)
        .then((r: any) => r.ms);
    },
    [DOWN_MB, NEVER_MS]
  );
  result.ceiling = await ceilingFigures(
    page,
    UP_MB * 1e6,
    DOWN_MB * 1e6,
    NEVER_MS
  );
  result.echo = await page.evaluate(echoFigures, [
    ECHOES,
    BUSY_MB,
    NEVER_MS,
    SIDE === 'ipycomm'
  ] as [number, number, number, boolean]);
  result.slider = await sliderDuringDownload(page, ECHOES, BUSY_MB, NEVER_MS);
  result.image = await imageUpdates(page, IMAGE_MB, IMAGE_REPEATS, NEVER_MS);
  if (SIDE === 'ipycomm') {
    result.gigabyte = await page.evaluate(gigabyte, [GB_MB, NEVER_MS * 10] as [
      number,
      number
    ]);
  }
  result.upload_bytes = await fileUpload(page, UPLOAD_MB * 1e6, NEVER_MS);
  writeResult('large', {
    large: {
      up_mb: UP_MB,
      down_mb: DOWN_MB,
      upload_mb: UPLOAD_MB,
      busy_mb: BUSY_MB,
      image_mb: IMAGE_MB,
      ...result
    }
  });
});

/** Echo round trips, idle and while a big message travels each way on another comm. */
async function echoFigures([count, busyMb, never, upToo]: [
  number,
  number,
  number,
  boolean
]) {
  const b = (window as any).bench;
  const echo = b.open();
  const series = async (until: () => boolean, max: number) => {
    const out: number[] = [];
    while (out.length < max && !until()) {
      const t0 = performance.now();
      await echo.ask({ n: out.length });
      out.push(performance.now() - t0);
    }
    return out;
  };
  const idle = await series(() => false, count);
  const during = async (start: () => Promise<any>) => {
    let done = false;
    const t0 = performance.now();
    const transfer = start().then(() => (done = true));
    const echoes = await series(() => done, 100000);
    await Promise.race([transfer, new Promise(r => setTimeout(r, never))]);
    return { echoes, transferMs: done ? performance.now() - t0 : null };
  };
  const big = b.open();
  const down = await during(() => big.ask({ down: busyMb * 1e6 }));
  const up = upToo
    ? await during(() => big.ask({ n: -1 }, [b.bytes(busyMb * 1e6)]))
    : null;
  return { idle, down, up };
}

/** A gigabyte page → kernel, with the memory each process peaked at. */
async function gigabyte([mb, never]: [number, number]) {
  const b = (window as any).bench;
  const comm = b.open();
  const before = (await comm.ask({ n: 0 })).content.data.memory;
  const payload = b.bytes(mb * 1e6);
  const t = await b.timed(() => comm.ask({ n: 1 }, [payload]), never);
  const after = t.result ? t.result.content.data : null;
  return {
    ms: t.ms,
    got: after?.got ?? null,
    before,
    after: after?.memory ?? null
  };
}
