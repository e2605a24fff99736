/**
 * Shared steps for the large-message specs: payloads both sides can build and hash, a kernel
 * target that records what it receives, and page code that sends or receives through the
 * notebook's own kernel connection (what any library uses).
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { runNewCell } from './helpers';

export const MB = 1_000_000;

/** Python: `payload(n)` builds the bytes the page builds, `digest(b)` hashes any buffer. */
export const PAYLOAD_PY = [
  'import hashlib',
  'PERIOD = bytes((i * 31 + 7) & 255 for i in range(256))',
  'def payload(n):',
  '    # One period repeated: n bytes, with no temporary arrays several times that size.',
  '    return memoryview(PERIOD * (n // 256 + 1))[:n]',
  'def digest(b):',
  '    return hashlib.sha256(memoryview(b).cast("B")).hexdigest()'
].join('\n');

/** A kernel target 'sink' whose comms record every message: its data, sizes and digests. */
export const SINK_PY = [
  PAYLOAD_PY,
  'from comm import get_comm_manager',
  'received = []',
  'def sink(comm, open_msg):',
  '    def on_msg(msg):',
  '        bufs = msg["buffers"]',
  '        received.append((msg["content"]["data"], [len(b) for b in bufs], [digest(b) for b in bufs]))',
  '    comm.on_msg(on_msg)',
  'get_comm_manager().register_target("sink", sink)'
].join('\n');

/** Defines the helpers and the sink target in a new cell of the open notebook. */
export async function defineSink(page: IJupyterLabPageFixture): Promise<void> {
  await runNewCell(page, SINK_PY);
}

/**
 * In the page: opens a comm to `target` on the notebook's kernel connection and sends `data`
 * with one buffer of `size` payload bytes, without waiting. Returns the comm's id.
 */
export async function sendFromPage(
  page: IJupyterLabPageFixture,
  target: string,
  size: number,
  data: Record<string, unknown> = {}
): Promise<string> {
  return page.evaluate(
    ([t, n, d]) => {
      const kernel = (window as any).jupyterapp.shell.currentWidget
        .sessionContext.session.kernel;
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        bytes[i] = (i * 31 + 7) & 255;
      }
      const comm = kernel.createComm(t);
      comm.open({});
      comm.send(d, {}, [bytes.buffer]);
      return comm.commId as string;
    },
    [target, size, data] as [string, number, Record<string, unknown>]
  );
}

/** The payload the kernel's `payload(n)` builds, as a file's contents. */
export function payloadFile(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = (i * 31 + 7) & 255;
  }
  return bytes;
}

/** Clicks an ipywidgets FileUpload button and picks `big.bin` with these bytes, as a user. */
export async function uploadThrough(
  page: IJupyterLabPageFixture,
  button: Locator,
  bytes: Buffer
): Promise<void> {
  await expect(button).toBeVisible({ timeout: 30000 });
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    button.click()
  ]);
  await chooser.setFiles({
    name: 'big.bin',
    mimeType: 'application/octet-stream',
    buffer: bytes
  });
}
