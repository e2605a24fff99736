/**
 * The bare websocket ceiling for the large figures: the same page, the same browser, a tornado
 * server that does nothing but send and count bytes (benchmarks/ws_ceiling.py). This spec's
 * process spawns it (BENCH_PYTHON, else `python`) and ends it, by its process, when done.
 *
 * Each figure is one transfer, timed in the page from the ask to the last byte (down) or to the
 * server's count (up), as 1 MiB messages and as one message.
 */
import { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { REPO } from '../tests/helpers';

/** The size of each message when a transfer is cut. */
export const MIB = 1 << 20;

export interface ICeiling {
  up_bytes: number;
  down_bytes: number;
  down_chunked_ms: number | null;
  down_one_ms: number | null;
  /** In messages of 8 chunks (8 MiB): the size of ipycomm's chunks when a transfer is alone. */
  down_big_ms: number | null;
  up_chunked_ms: number | null;
  up_one_ms: number | null;
}

/** Starts the server; resolves with it and the port it printed. */
function startServer(): Promise<{ server: ChildProcess; port: number }> {
  const python = process.env.BENCH_PYTHON ?? 'python';
  const script = path.join(REPO, 'benchmarks', 'ws_ceiling.py');
  const server = spawn(python, [script], {
    stdio: ['pipe', 'pipe', 'inherit']
  });
  return new Promise((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        resolve({ server, port: Number(out.trim()) });
      }
    });
    server.on('error', reject);
    server.on('exit', code => reject(new Error(`ws_ceiling exited: ${code}`)));
  });
}

/** The four bare websocket transfers, in this page, against a server started for them. */
export async function ceilingFigures(
  page: IJupyterLabPageFixture,
  upBytes: number,
  downBytes: number,
  never: number
): Promise<ICeiling> {
  const { server, port } = await startServer();
  try {
    const times = await page.evaluate(measure, [
      port,
      upBytes,
      downBytes,
      MIB,
      never
    ] as [number, number, number, number, number]);
    return { up_bytes: upBytes, down_bytes: downBytes, ...times };
  } finally {
    server.kill();
  }
}

/** In the page: one websocket, down then up, cut in `chunk`-byte messages then whole. */
async function measure([port, up, down, chunk, never]: [
  number,
  number,
  number,
  number,
  number
]) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ceiling`);
  ws.binaryType = 'arraybuffer';
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let onBytes = (_n: number) => undefined as void;
  let onText = (_m: any) => undefined as void;
  ws.onmessage = (e: MessageEvent) =>
    typeof e.data === 'string'
      ? onText(JSON.parse(e.data))
      : onBytes((e.data as ArrayBuffer).byteLength);
  const timed = (start: (done: () => void) => void) =>
    Promise.race([
      new Promise<number>(resolve => {
        const t0 = performance.now();
        start(() => resolve(performance.now() - t0));
      }),
      new Promise<null>(resolve => setTimeout(() => resolve(null), never))
    ]);
  const downward = (size: number) =>
    timed(done => {
      let got = 0;
      onBytes = n => {
        got += n;
        if (got >= down) {
          done();
        }
      };
      ws.send(JSON.stringify({ down, chunk: size }));
    });
  const payload = new Uint8Array(up);
  const upward = (size: number) =>
    timed(done => {
      onText = m => (m.got === up ? done() : undefined);
      ws.send(JSON.stringify({ up }));
      for (let at = 0; at < up; at += size) {
        ws.send(payload.subarray(at, Math.min(up, at + size)));
      }
    });
  const result = {
    down_chunked_ms: await downward(chunk),
    down_one_ms: await downward(down),
    down_big_ms: await downward(8 * chunk),
    up_chunked_ms: await upward(chunk),
    up_one_ms: await upward(up)
  };
  ws.close();
  return result;
}
