/**
 * Comm-traffic figures for one side of the benchmark (BENCH_SIDE = ipycomm | stock), written to
 * BENCH_OUT_DIR as `memory.json` and `push.json` (see common.ts). Only the kernel's comm layer
 * differs between the sides: both pages run ipycomm's frontend, which registers `my_widget`.
 *
 * memory: the page's JS heap (CDP `HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage`)
 *   before and after the kernel opens and closes BENCH_COMMS comms to `my_widget`. The comms are
 *   opened by execute requests the page sends itself (`kernel.requestExecute`), not by a notebook
 *   cell: a comm opened by a cell gets a view under that cell, and thousands of views would
 *   measure JupyterLab's output area instead of the comm layer. So this measures what the comm
 *   layer keeps per closed comm: JupyterLab's kernel connection, ipycomm's comm manager and
 *   models, and the Comm Inspector (open during the test). The requests open and close
 *   BENCH_COMMS_CHUNK comms each, one after the other, each waited for (reply, idle status and
 *   all its comm_close messages seen on the page's kernel connection): a single burst of
 *   thousands of iopub messages is cut by jupyter_server's iopub rate limit and the kernel's
 *   iopub high-water mark on the stock side, and the page would never see all the
 *   closes. The rate limit resets on every idle status.
 *
 * push: a notebook cell sends BENCH_PUSH messages on one `my_widget` comm in a loop, as fast as
 *   it can, then prints `done`. The page counts, on its kernel connection's anyMessage signal (it
 *   fires on receipt, before any handler), the comm_msg items for that comm: an ipycomm batch
 *   (metadata.ipycomm.batch, content.data.ipycomm_batch; docs/flow-control.md) counts as its
 *   items. It waits until all messages arrived and the kernel is idle, or until the cell has
 *   finished (execute_reply, which the iopub limits cannot drop) and no message came for
 *   BENCH_QUIET_MS: that is the loss case. If the cell never finishes and nothing arrives for
 *   2 minutes, the result is recorded as 'stalled' (the driver prints a note).
 */
import { expect, test } from '@jupyterlab/galata';
import { runNewCell, setSource } from '../tests/helpers';
import { IMPORT, wanted, writeResult } from './common';

const COMMS = Number(process.env.BENCH_COMMS ?? 10000);
const CHUNK = Number(process.env.BENCH_COMMS_CHUNK ?? 250);
const WARMUP = Number(process.env.BENCH_COMMS_WARMUP ?? 250);
const PUSH = Number(process.env.BENCH_PUSH ?? 20000);
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 5000);

/** The page's JS heap after full garbage collections, through the DevTools protocol. */
async function heapAfterGc(page: any): Promise<{
  usedBytes: number;
  totalBytes: number;
  embedderBytes: number | null;
}> {
  // Let pending renders (the inspector redraws once per frame) finish first.
  await page.evaluate(
    () =>
      new Promise(resolve =>
        requestAnimationFrame(() => requestAnimationFrame(resolve))
      )
  );
  // Galata's fixture is a proxy around the Playwright page; CDP needs the page itself.
  const raw = page.page ?? page;
  const cdp = await raw.context().newCDPSession(raw);
  try {
    // Several passes: objects kept alive only by weak callbacks or finalizers of the first pass
    // are collected by the next ones.
    for (let i = 0; i < 3; i++) {
      await cdp.send('HeapProfiler.collectGarbage');
    }
    const usage: any = await cdp.send('Runtime.getHeapUsage');
    return {
      usedBytes: usage.usedSize,
      totalBytes: usage.totalSize,
      embedderBytes: usage.embedderHeapUsedSize ?? null
    };
  } finally {
    await cdp.detach();
  }
}

/**
 * Counts comm_open/comm_close on the notebook's kernel connection, and runs code with
 * `kernel.requestExecute`. Keeps only counters, so it adds nothing per comm to the heap.
 */
function installCommCounter(): void {
  const w = window as any;
  const kernel = w.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const counter = {
    opens: 0,
    closes: 0,
    wake: null as null | (() => void)
  };
  kernel.anyMessage.connect((_: unknown, args: any) => {
    if (args.direction !== 'recv') {
      return;
    }
    const type = args.msg.header.msg_type;
    if (type === 'comm_open') {
      counter.opens++;
    } else if (type === 'comm_close') {
      counter.closes++;
    } else {
      return;
    }
    counter.wake?.();
  });
  w.benchComms = counter;
}

/**
 * Sends `_bench_open_close(chunk)` requests until `total` comms were opened and closed, each
 * one after the previous one's reply, idle status and comm_close messages. Stops early if a
 * request's closes do not all arrive within `quietMs` of the last one.
 */
async function openAndClose(
  page: any,
  total: number,
  chunk: number,
  quietMs: number
): Promise<{ requested: number; closesSeen: number; complete: boolean }> {
  return page.evaluate(
    async ([total, chunk, quietMs]: [number, number, number]) => {
      const w = window as any;
      const counter = w.benchComms;
      const kernel =
        w.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
      const start = counter.closes;
      let requested = 0;
      while (requested < total) {
        const n = Math.min(chunk, total - requested);
        requested += n;
        const expected = start + requested;
        let finished = false;
        const future = kernel.requestExecute({
          code: `_bench_open_close(${n})`,
          store_history: false
        });
        const ok = await new Promise<boolean>(resolve => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const check = () => {
            if (finished && counter.closes >= expected) {
              clearTimeout(timer);
              counter.wake = null;
              resolve(true);
            }
          };
          const arm = () => {
            clearTimeout(timer);
            timer = setTimeout(() => {
              counter.wake = null;
              resolve(false);
            }, quietMs);
          };
          counter.wake = () => {
            arm();
            check();
          };
          future.done.then(
            () => {
              finished = true;
              check();
            },
            () => {
              finished = true;
              check();
            }
          );
          arm();
        });
        future.dispose();
        if (!ok) {
          return {
            requested,
            closesSeen: counter.closes - start,
            complete: false
          };
        }
      }
      return { requested, closesSeen: counter.closes - start, complete: true };
    },
    [total, chunk, quietMs]
  );
}

/**
 * What the page holds for comms, read from JupyterLab's kernel connection and from ipycomm's
 * frontend (reached through the Comm Inspector's model). Private fields, so every value is null
 * when its shape is not as expected.
 */
function frontendStructures(): Record<string, number | null> {
  const w = window as any;
  const app = w.jupyterapp;
  const kernel = app.shell.currentWidget.sessionContext.session.kernel;
  const size = (value: any): number | null =>
    value instanceof Map || value instanceof Set ? value.size : null;
  let model: any = null;
  for (const widget of app.shell.widgets('right')) {
    if (widget.id === 'ipycomm-inspector') {
      model = widget.model;
    }
  }
  const manager = model?._manager;
  const registry = manager?.registry;
  let models: number | null = null;
  let connected: number | null = null;
  if (registry?._byKernel instanceof Map) {
    models = 0;
    connected = 0;
    for (const perKernel of registry._byKernel.values()) {
      for (const m of perKernel.values()) {
        models++;
        connected += m.connected ? 1 : 0;
      }
    }
  }
  const entries = model?.log?.entries;
  return {
    kernelConnectionComms: size(kernel._comms),
    kernelConnectionFutures: size(kernel._futures),
    managerModels: models,
    managerModelsConnected: connected,
    managerOwners: size(registry?._owners),
    managerPending: size(manager?._pending),
    inspectorStatsComms: size(model?.stats?._comms),
    inspectorStatsParents: size(model?.stats?._parents),
    inspectorLogEntries: Array.isArray(entries) ? entries.length : null
  };
}

/** The comm manager of ipycomm's frontend, reached through the Comm Inspector's model. */
function commManager(): any {
  const app = (window as any).jupyterapp;
  for (const widget of app.shell.widgets('right')) {
    if (widget.id === 'ipycomm-inspector') {
      return widget.model?._manager ?? null;
    }
  }
  return null;
}

/**
 * Diagnostic, after the measurement: removes from ipycomm's registry the models of the comms
 * closed during the run (those not registered at the baseline), as a fix of the registry alone
 * would, so that a second reading shows what that fix would give. It is not all the models
 * hold: JupyterLab's CommHandler (services 7.6, kernel/comm.ts) connects to the kernel's
 * statusChanged in its constructor and never disconnects, so every closed comm's handler, and
 * the model its onMsg/onClose callbacks close over, stay reachable from the kernel connection.
 * Returns how many models it removed.
 */
function dropClosedModels(managerSrc: string): number {
  const manager = new Function(`return (${managerSrc})`)()();
  const registry = manager?.registry;
  const keep: Set<string> = (window as any).benchBaselineModels ?? new Set();
  if (!(registry?._byKernel instanceof Map)) {
    return -1;
  }
  const closed: string[] = [];
  for (const perKernel of registry._byKernel.values()) {
    for (const [commId, model] of perKernel) {
      if (!model.connected && !keep.has(commId)) {
        closed.push(commId);
      }
    }
  }
  for (const commId of closed) {
    registry.delete(commId);
  }
  return closed.length;
}

/** Remembers which models are registered at the baseline (see dropClosedModels). */
function rememberBaselineModels(managerSrc: string): void {
  const manager = new Function(`return (${managerSrc})`)()();
  const ids = new Set<string>();
  for (const perKernel of manager?.registry?._byKernel?.values() ?? []) {
    for (const commId of perKernel.keys()) {
      ids.add(commId);
    }
  }
  (window as any).benchBaselineModels = ids;
}

test('page memory after opening and closing comms', async ({ page }) => {
  test.skip(!wanted('memory'), 'memory figure not selected');
  await page.notebook.createNew('memory.ipynb');
  await runNewCell(
    page,
    `${IMPORT}\n` +
      'def _bench_open_close(n):\n' +
      '    for _ in range(n):\n' +
      "        Comm(target_name='my_widget', data={'bench': 'memory'}).close()\n" +
      "print('ready')"
  );
  await expect(page.locator('.jp-OutputArea-output').last()).toHaveText(
    'ready'
  );
  // The inspector follows the notebook's kernel; with it open, its per-comm stats are measured
  // too, and it is how the page reaches ipycomm's comm manager.
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('ipycomm:inspector')
  );
  await expect(page.locator('#ipycomm-inspector')).toBeVisible();
  await page.evaluate(installCommCounter);

  // Warm-up: the first comms JIT-compile and allocate caches that are not per comm.
  const warmup = await openAndClose(page, WARMUP, CHUNK, QUIET_MS);
  await page.evaluate(rememberBaselineModels, commManager.toString());
  const before = await heapAfterGc(page);
  const structuresBefore = await page.evaluate(frontendStructures);

  const started = Date.now();
  const run = await openAndClose(page, COMMS, CHUNK, QUIET_MS);
  const durationMs = Date.now() - started;
  const after = await heapAfterGc(page);
  const structuresAfter = await page.evaluate(frontendStructures);
  const droppedModels = await page.evaluate(
    dropClosedModels,
    commManager.toString()
  );
  const afterDroppingModels = await heapAfterGc(page);

  writeResult('memory', {
    memory: {
      comms: COMMS,
      chunk: CHUNK,
      warmup: WARMUP,
      warmupComplete: warmup.complete,
      closesSeen: run.closesSeen,
      complete: run.complete,
      durationMs,
      before,
      after,
      growthBytes: after.usedBytes - before.usedBytes,
      growthPercent:
        (100 * (after.usedBytes - before.usedBytes)) / before.usedBytes,
      structuresBefore,
      structuresAfter,
      droppedModels,
      afterDroppingModels,
      growthWithoutModelsBytes: afterDroppingModels.usedBytes - before.usedBytes
    }
  });
});

/**
 * Counts, on the kernel connection, what arrives for the push cell: its comm (found by the
 * `bench: push` data of its comm_open), its execute_reply, idle status and `done` output.
 */
function installPushProbe(n: number): void {
  const w = window as any;
  const kernel = w.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const probe = {
    n,
    requestId: '',
    commId: '',
    wire: 0,
    batches: 0,
    items: 0,
    batchCountMismatches: 0,
    distinct: 0,
    duplicates: 0,
    outOfRange: 0,
    seen: new Uint8Array(n),
    firstMs: null as number | null,
    lastMs: null as number | null,
    lastActivityMs: performance.now(),
    replied: false,
    idle: false,
    doneText: '',
    wake: null as null | (() => void)
  };
  const mark = (data: any) => {
    probe.items++;
    const value = data?.value;
    if (!Number.isInteger(value) || value < 0 || value >= n) {
      probe.outOfRange++;
    } else if (probe.seen[value]) {
      probe.duplicates++;
    } else {
      probe.seen[value] = 1;
      probe.distinct++;
    }
  };
  kernel.anyMessage.connect((_: unknown, args: any) => {
    const msg = args.msg;
    const type = msg.header.msg_type;
    if (args.direction === 'send') {
      if (
        type === 'execute_request' &&
        String(msg.content.code).includes('# bench: push')
      ) {
        probe.requestId = msg.header.msg_id;
      }
      return;
    }
    const now = performance.now();
    const content = msg.content ?? {};
    const parent = msg.parent_header?.msg_id ?? '';
    if (type === 'comm_open' && content.data?.bench === 'push') {
      probe.commId = content.comm_id;
    } else if (type === 'comm_msg' && content.comm_id === probe.commId) {
      probe.wire++;
      probe.firstMs ??= now;
      probe.lastMs = now;
      const batch = content.data?.ipycomm_batch;
      if (Array.isArray(batch)) {
        probe.batches++;
        if (msg.metadata?.ipycomm?.batch !== batch.length) {
          probe.batchCountMismatches++;
        }
        for (const item of batch) {
          mark(item?.data);
        }
      } else {
        mark(content.data);
      }
    } else if (!probe.requestId || parent !== probe.requestId) {
      return;
    } else if (type === 'execute_reply') {
      probe.replied = true;
    } else if (type === 'status' && content.execution_state === 'idle') {
      probe.idle = true;
    } else if (type === 'stream' && String(content.text).includes('done')) {
      probe.doneText += String(content.text);
    }
    probe.lastActivityMs = now;
    probe.wake?.();
  });
  w.benchPush = probe;
}

/**
 * Resolves when every message arrived and the kernel is idle, or when the cell has finished
 * and nothing came for `quietMs` (loss), or when nothing at all came for `stallMs`.
 */
async function pushFinished(
  page: any,
  quietMs: number,
  stallMs: number
): Promise<string> {
  return page.evaluate(
    ([quietMs, stallMs]: [number, number]) => {
      const probe = (window as any).benchPush;
      return new Promise<string>(resolve => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const finish = (how: string) => {
          clearTimeout(timer);
          probe.wake = null;
          resolve(how);
        };
        const check = () => {
          if (probe.distinct === probe.n && probe.replied && probe.idle) {
            finish('all arrived');
            return;
          }
          clearTimeout(timer);
          timer = setTimeout(
            () => (probe.replied ? finish('quiet') : finish('stalled')),
            probe.replied ? quietMs : stallMs
          );
        };
        probe.wake = check;
        check();
      });
    },
    [quietMs, stallMs]
  );
}

test('kernel push received by the page', async ({ page }) => {
  test.skip(!wanted('push'), 'push figure not selected');
  await page.notebook.createNew('push.ipynb');
  await runNewCell(page, `${IMPORT}\nimport time\nN = ${PUSH}\nprint('ready')`);
  await expect(page.locator('.jp-OutputArea-output').last()).toHaveText(
    'ready'
  );
  await page.evaluate(installPushProbe, PUSH);
  const cell = await runNewCell(page, 'pass');
  await setSource(
    page,
    cell,
    '# bench: push\n' +
      "comm = Comm(target_name='my_widget', data={'bench': 'push'})\n" +
      'start = time.perf_counter()\n' +
      'for i in range(N):\n' +
      "    comm.send({'action': 'update', 'value': i})\n" +
      "print('done', round(N / (time.perf_counter() - start)))\n"
  );
  await page.notebook.runCell(cell, { inplace: true, wait: false });
  const how = await pushFinished(page, QUIET_MS, 120000);
  const probe = await page.evaluate(() => {
    const { seen, wake, ...rest } = (window as any).benchPush;
    return rest;
  });
  const spanMs =
    probe.firstMs !== null && probe.lastMs !== null
      ? probe.lastMs - probe.firstMs
      : null;
  const sendRate = /done (\d+)/.exec(probe.doneText);
  writeResult('push', {
    push: {
      n: PUSH,
      finished: how,
      received: probe.items,
      distinct: probe.distinct,
      lost: PUSH - probe.distinct,
      duplicates: probe.duplicates,
      outOfRange: probe.outOfRange,
      wire: probe.wire,
      batches: probe.batches,
      batchCountMismatches: probe.batchCountMismatches,
      spanMs,
      msgPerSec: spanMs ? (1000 * probe.distinct) / spanMs : null,
      replied: probe.replied,
      idleSeen: probe.idle,
      doneSeen: probe.doneText !== '',
      kernelSendMsgPerSec: sendRate ? Number(sendRate[1]) : null
    }
  });
});
