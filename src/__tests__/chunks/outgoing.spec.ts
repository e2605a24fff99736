import type { KernelMessage } from '@jupyterlab/services';
import { Negotiation } from '../../chunks/negotiation';
import { Outgoing } from '../../chunks/outgoing';
import { ACK_TIMEOUT_MS, WINDOW } from '../../chunks/sender';
import { ITransfer, Transfers } from '../../chunks/transfers';

type Msg = KernelMessage.IMessage;

const CHUNK = 64 * 1024;
let counter = 0;

function commMsg(
  commId: string,
  data: object,
  buffers: ArrayBuffer[] = []
): Msg {
  counter += 1;
  return {
    header: {
      msg_id: `m${counter}`,
      msg_type: 'comm_msg',
      session: 's',
      username: '',
      date: '',
      version: '5.3'
    },
    parent_header: {},
    channel: 'shell',
    metadata: {},
    content: { comm_id: commId, data },
    buffers
  } as unknown as Msg;
}

function chunkOf(
  msg: Msg
): { index?: number; cancel?: boolean; transfer: string } | null {
  const data = (msg.content as { data?: { ipycomm_chunk?: never } }).data;
  return data?.ipycomm_chunk ?? null;
}

/** Every Outgoing a test made: reset after it, so no chunk's idle timeout outlives it. */
const made: Outgoing[] = [];

afterEach(() => {
  made.splice(0).forEach(outgoing => outgoing.reset('the test ended'));
  jest.useRealTimers();
});

/** An Outgoing whose kernel answers what the test says, and acknowledges chunks on demand. */
function setup(
  capability: object | null = {
    chunk_size: CHUNK,
    max_message_size: 10_000_000
  }
) {
  const sent: Msg[] = [];
  const idles = new Map<
    string,
    { resolve: () => void; reject: (e: Error) => void }
  >();
  const warnings: string[] = [];
  let answer: (reply: unknown) => void = () => undefined;
  const negotiation = new Negotiation(
    () => new Promise(resolve => (answer = resolve))
  );
  const transfers = new Transfers();
  const seen: ITransfer[] = [];
  transfers.changed.connect((_, t) => seen.push(t));
  const outgoing = new Outgoing({
    kernelId: 'k',
    negotiation,
    transfers,
    send: msg => sent.push(msg),
    create: (commId, data, buffers) =>
      commMsg(commId, data, buffers) as KernelMessage.ICommMsgMsg,
    idle: msgId =>
      new Promise((resolve, reject) => idles.set(msgId, { resolve, reject })),
    newId: () => 't1',
    warn: message => warnings.push(message)
  });
  made.push(outgoing);
  const negotiate = async () => {
    void negotiation.resolve();
    answer({ status: 'ok', ipycomm: capability ?? undefined });
    await negotiation.resolve();
  };
  /** The kernel takes every chunk sent so far. */
  const ack = async () => {
    for (const [id, waiter] of [...idles]) {
      idles.delete(id);
      waiter.resolve();
    }
    await new Promise(resolve => setTimeout(resolve, 0));
  };
  const send = (msg: Msg) => {
    if (!outgoing.take(msg)) {
      sent.push(msg);
    }
  };
  return {
    outgoing,
    sent,
    idles,
    warnings,
    transfers,
    seen,
    negotiate,
    ack,
    send
  };
}

const big = (n = 5 * CHUNK + 100) => new Uint8Array(n).buffer;

describe('Outgoing', () => {
  it('sends small messages as they are, without asking the kernel anything', () => {
    const { outgoing } = setup();
    expect(outgoing.take(commMsg('c1', { x: 1 }))).toBe(false);
  });

  it('holds a big message until the kernel has said it reassembles, then sends it in chunks', async () => {
    const t = setup({ chunk_size: 64 * 1024, max_message_size: 10_000_000 });
    const msg = commMsg('c1', { x: 1 }, [big(200_000)]);
    t.send(msg);
    expect(t.sent).toEqual([]);
    await t.negotiate();
    expect(t.sent.map(m => chunkOf(m)?.index)).toEqual([
      ...Array(WINDOW).keys()
    ]);
  });

  it(`keeps at most ${WINDOW} chunks in flight, and the last chunk is the original message`, async () => {
    const t = setup();
    await t.negotiate();
    const msg = commMsg('c1', { x: 1 }, [big(7 * CHUNK)]);
    t.send(msg);
    expect(t.sent).toHaveLength(WINDOW);
    while (t.idles.size > 0) {
      await t.ack();
    }
    const last = t.sent[t.sent.length - 1];
    expect(last.header.msg_id).toBe(msg.header.msg_id);
    expect(chunkOf(last)?.index).toBe(t.sent.length - 1);
    expect(t.seen[t.seen.length - 1]).toMatchObject({
      state: 'done',
      done: 7 * CHUNK + 7
    });
  });

  it('keeps the order on the comm, and lets other comms pass a transfer', async () => {
    const t = setup();
    await t.negotiate();
    t.send(commMsg('c1', {}, [big()]));
    const after = commMsg('c1', { after: true });
    const close = {
      ...commMsg('c1', {}),
      header: { ...commMsg('c1', {}).header, msg_type: 'comm_close' }
    } as Msg;
    const other = commMsg('c2', { other: true });
    t.send(after);
    t.send(close);
    t.send(other);
    expect(t.sent).toContain(other);
    expect(t.sent).not.toContain(after);
    while (t.idles.size > 0) {
      await t.ack();
    }
    expect(t.sent.slice(-2)).toEqual([after, close]);
  });

  it("sends the comm's later messages after a transfer whose idles never came", async () => {
    jest.useFakeTimers();
    const t = setup();
    await t.negotiate();
    const msg = commMsg('c1', {}, [big(3 * CHUNK)]);
    t.send(msg);
    const after = commMsg('c1', { after: true });
    t.send(after);
    // The kernel's idles are never delivered (iopub dropped them): the transfer goes on.
    await jest.advanceTimersByTimeAsync(ACK_TIMEOUT_MS);
    await jest.advanceTimersByTimeAsync(ACK_TIMEOUT_MS);
    expect(t.sent.slice(-2).map(m => m.header.msg_id)).toEqual([
      msg.header.msg_id,
      after.header.msg_id
    ]);
    expect(t.seen[t.seen.length - 1]).toMatchObject({ state: 'done' });
    expect(t.warnings).toEqual([
      expect.stringMatching(/no idle status from the kernel for chunk 0/)
    ]);
  });

  it('refuses a message over the kernel limit before sending anything, naming both sizes', async () => {
    const t = setup({ chunk_size: CHUNK, max_message_size: 200_000 });
    await t.negotiate();
    expect(() => t.outgoing.take(commMsg('c1', {}, [big(300_000)]))).toThrow(
      /is 300\.0 kB, over the kernel's limit of 200\.0 kB/
    );
    expect(t.sent).toEqual([]);
  });

  it('sends whole to a kernel that does not reassemble, warning when the server would drop it', async () => {
    const t = setup(null);
    await t.negotiate();
    const huge = commMsg('c1', {}, [big(11 * 1024 * 1024)]);
    t.send(huge);
    expect(t.sent).toEqual([huge]);
    expect(t.warnings.join()).toMatch(/does not run ipycomm.*10 MiB/);
  });

  it('cancels by telling the kernel under the original header, and sends what waited', async () => {
    const t = setup();
    await t.negotiate();
    const msg = commMsg('c1', {}, [big()]);
    t.send(msg);
    const after = commMsg('c1', { after: true });
    t.send(after);
    t.transfers.cancel('t1');
    const notice = t.sent[WINDOW];
    expect(chunkOf(notice)).toEqual({ transfer: 't1', cancel: true });
    expect(notice.header.msg_id).toBe(msg.header.msg_id);
    await t.ack();
    expect(t.sent[t.sent.length - 1]).toBe(after);
    expect(t.seen[t.seen.length - 1]).toMatchObject({ state: 'cancelled' });
  });

  it('reports progress as the bytes the kernel has taken', async () => {
    const t = setup();
    await t.negotiate();
    t.send(commMsg('c1', {}, [big(10 * CHUNK)]));
    await t.ack();
    const progress = t.seen.filter(s => s.state === 'active').map(s => s.done);
    expect(progress.slice(0, 3)).toEqual([0, 1, 2].map(n => n * CHUNK));
  });

  it('fails the transfer when the kernel restarts mid-way', async () => {
    const t = setup();
    await t.negotiate();
    t.send(commMsg('c1', {}, [big()]));
    t.outgoing.reset('the kernel restarted');
    expect(t.seen[t.seen.length - 1]).toMatchObject({
      state: 'failed',
      reason: 'the kernel restarted'
    });
  });
});
