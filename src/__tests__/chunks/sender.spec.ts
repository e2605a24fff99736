import type { KernelMessage } from '@jupyterlab/services';
import { payloadOf } from '../../chunks/format';
import {
  ACK_TIMEOUT_MS,
  ChunkSender,
  ISenderDeps,
  WINDOW
} from '../../chunks/sender';

type CommMsg = KernelMessage.ICommMsgMsg;

const CHUNK = 64 * 1024;
let counter = 0;

function commMsg(
  data: CommMsg['content']['data'],
  buffers: ArrayBuffer[] = [],
  subshell: string | null = null
): CommMsg {
  counter += 1;
  return {
    header: {
      msg_id: `m${counter}`,
      msg_type: 'comm_msg',
      session: 's',
      username: '',
      date: '',
      version: '5.3',
      subshell_id: subshell
    },
    parent_header: {},
    channel: 'shell',
    metadata: {},
    content: { comm_id: 'c1', data },
    buffers
  } as unknown as CommMsg;
}

/** The index of a chunk, or 'cancel' for a cancel notice. */
function indexOf(msg: KernelMessage.IMessage): number | 'cancel' | undefined {
  const body = (
    msg.content as {
      data: { ipycomm_chunk?: { index?: number; cancel?: boolean } };
    }
  ).data.ipycomm_chunk;
  return body?.cancel ? 'cancel' : body?.index;
}

/**
 * A sender of `chunks` chunks whose kernel reports idle only when the test calls `ack`, and
 * never for the chunks in `lost`.
 */
function setup(chunks: number, options: Partial<ISenderDeps> = {}) {
  const original = commMsg(
    { x: 1 },
    [new Uint8Array(chunks * CHUNK - 100).buffer],
    'sub-1'
  );
  const sent: KernelMessage.IMessage[] = [];
  const idles = new Map<string, { resolve(): void; reject(e: Error): void }>();
  const warnings: string[] = [];
  const deps: ISenderDeps = {
    send: msg => sent.push(msg),
    create: (data, buffers) => commMsg(data, buffers),
    idle: msgId =>
      new Promise((resolve, reject) => idles.set(msgId, { resolve, reject })),
    progress: () => undefined,
    warn: message => warnings.push(message),
    ...options
  };
  const payload = payloadOf(original.content.data, original.buffers ?? []);
  const sender = new ChunkSender(original, payload, CHUNK, 't1', deps);
  return { sender, sent, idles, warnings, original };
}

describe('ChunkSender', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('goes on after the timeout when the kernel idle of a chunk never arrives', async () => {
    jest.useFakeTimers();
    const t = setup(4, { ackTimeoutMs: 5000 });
    let whole: boolean | undefined;
    void t.sender.run().then(result => (whole = result));
    expect(t.sent.map(indexOf)).toEqual([...Array(WINDOW).keys()]);
    // No idle is ever delivered: each chunk counts as taken once its wait runs out.
    await jest.advanceTimersByTimeAsync(5000);
    expect(t.sent.map(indexOf)).toEqual([0, 1, 2, 3]);
    await jest.advanceTimersByTimeAsync(5000);
    expect(whole).toBe(true);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toMatch(/no idle status .* chunk 0 of transfer t1/);
  });

  it('waits 10 s by default, and leaves no timer behind once the idles came', async () => {
    jest.useFakeTimers();
    const t = setup(3);
    const run = t.sender.run();
    await jest.advanceTimersByTimeAsync(ACK_TIMEOUT_MS - 1);
    expect(t.sent).toHaveLength(WINDOW);
    for (const [id, waiter] of t.idles) {
      t.idles.delete(id);
      waiter.resolve();
    }
    await jest.advanceTimersByTimeAsync(0);
    expect(t.sent).toHaveLength(3);
    t.idles.forEach(waiter => waiter.resolve());
    expect(await run).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    expect(t.warnings).toEqual([]);
  });

  it('stops when the kernel says no idle will come (a restart), before its timeout', async () => {
    const t = setup(5);
    const run = t.sender.run();
    t.idles.forEach(waiter => waiter.reject(new Error('the kernel restarted')));
    expect(await run).toBe(false);
    expect(t.sent.map(indexOf)).toEqual([0, 1]);
  });

  it('ends at once when stopped, without waiting for the idles in flight', async () => {
    const t = setup(5);
    const run = t.sender.run();
    expect(t.sender.stop()).toBe(true);
    expect(await run).toBe(false);
    expect(t.sent.map(indexOf)).toEqual([0, 1, 'cancel']);
    expect(t.warnings).toEqual([]);
  });

  it("sends every chunk to the original message's subshell", async () => {
    const t = setup(3, { idle: () => Promise.resolve() });
    expect(await t.sender.run()).toBe(true);
    expect(t.sent.map(m => m.header.subshell_id)).toEqual([
      'sub-1',
      'sub-1',
      'sub-1'
    ]);
    expect(t.sent[2].header.msg_id).toBe(t.original.header.msg_id);
  });

  it('keeps chunks on the main shell when the original goes there', async () => {
    const original = commMsg({ y: 1 }, [new Uint8Array(2 * CHUNK).buffer]);
    const sent: KernelMessage.IMessage[] = [];
    const sender = new ChunkSender(
      original,
      payloadOf(original.content.data, original.buffers ?? []),
      CHUNK,
      't2',
      {
        send: msg => sent.push(msg),
        create: (data, buffers) => commMsg(data, buffers),
        idle: () => Promise.resolve(),
        progress: () => undefined
      }
    );
    expect(await sender.run()).toBe(true);
    expect(sent.map(m => m.header.subshell_id ?? null)).toEqual([
      null,
      null,
      null
    ]);
  });
});
