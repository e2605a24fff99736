/**
 * Frontend-target figures, written as `frontend.json` to BENCH_OUT_DIR (see common.ts), all
 * timed in the page with performance.now():
 *
 * - define: from running a cell with frontend_target() + Comm() to the module's render;
 * - hot reload: from running a cell that redefines the target to the new module's render;
 * - request: comm.request() round trips from the module to a kernel handler, next to a plain
 *   comm echo (comm.send, the kernel sends it back) on the same comm, in the same page.
 *
 * Only ipycomm has frontend targets: the stock side writes no figures.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { setSource } from '../tests/helpers';
import { SIDE, wanted, writeResult } from './common';

const REPEATS = Number(process.env.BENCH_DEFINES ?? 10);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 60);

/** The module: records when it rendered, and exposes request and echo loops to the page. */
const MODULE = `
export function render({ comm, el }) {
  el.textContent = "bench view VERSION";
  window.benchComm = comm;
  window.benchRendered = performance.now();
}
`;

const SETUP = ['import ipycomm', `ESM = r'''${MODULE}'''`, 'n = 0'].join('\n');

const DEFINE = [
  "if 'c' in globals(): c.close()",
  'n += 1',
  "ipycomm.frontend_target(f'bench{n}', ESM.replace('VERSION', '1'))",
  "c = ipycomm.Comm(target_name=f'bench{n}')",
  'c.on_request(lambda data, buffers: data)',
  "c.on_msg(lambda msg: c.send(msg['content']['data']))"
].join('\n');

const REDEFINE = [
  'v = globals().get("v", 1) + 1',
  "ipycomm.frontend_target(f'bench{n}', ESM.replace('VERSION', str(v)))"
].join('\n');

/** Runs cell `index` from the page and returns ms until a module renders after the start. */
async function timeToRender(
  page: IJupyterLabPageFixture,
  index: number
): Promise<number> {
  const start = await page.evaluate(async (i: number) => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    panel.content.activeCellIndex = i;
    const t0 = performance.now();
    void (window as any).jupyterapp.commands.execute('notebook:run-cell');
    return t0;
  }, index);
  const handle = await page.waitForFunction(
    (t0: number) => {
      const at = (window as any).benchRendered;
      return typeof at === 'number' && at > t0 ? at - t0 : null;
    },
    start,
    { timeout: 60000 }
  );
  const elapsed = (await handle.jsonValue()) as number;
  await page.notebook.waitForRun(index);
  return elapsed;
}

/** `count` sequential round trips with the module's comm: requests, then echoes. */
async function roundTrips(
  page: IJupyterLabPageFixture,
  count: number
): Promise<{ request: number[]; echo: number[] }> {
  return page.evaluate(async (n: number) => {
    const comm = (window as any).benchComm;
    const request: number[] = [];
    const echo: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await comm.request({ i });
      request.push(performance.now() - t0);
    }
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await new Promise<void>(resolve => {
        const off = comm.on('msg', (data: any) => {
          if (data.i === i) {
            off();
            resolve();
          }
        });
        comm.send({ i });
      });
      echo.push(performance.now() - t0);
    }
    return { request, echo };
  }, count);
}

test('frontend targets: define, hot reload and request figures', async ({
  page
}) => {
  test.skip(!wanted('frontend'), 'figure group not requested');
  if (SIDE !== 'ipycomm') {
    writeResult('frontend', { frontend: null });
    return;
  }
  await page.notebook.createNew('bench-frontend.ipynb');
  await setSource(page, 0, SETUP);
  await page.notebook.runCell(0, true);
  await page.notebook.addCell('code', DEFINE);
  await setSource(page, 1, DEFINE);
  await page.notebook.addCell('code', REDEFINE);
  await setSource(page, 2, REDEFINE);
  const defineMs: number[] = [];
  const reloadMs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    defineMs.push(await timeToRender(page, 1));
    reloadMs.push(await timeToRender(page, 2));
  }
  await expect(page.locator('.jp-ipycomm-view').first()).toContainText(
    'bench view'
  );
  const trips = await roundTrips(page, ROUND_TRIPS);
  writeResult('frontend', {
    frontend: {
      defineMs,
      reloadMs,
      requestMs: trips.request,
      echoMs: trips.echo
    }
  });
});
