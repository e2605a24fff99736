import type { KernelMessage } from '@jupyterlab/services';
import { Assembler } from '../../chunks/assembler';
import { chunkData, payloadOf } from '../../chunks/format';
import { Incoming } from '../../chunks/incoming';
import { Negotiation } from '../../chunks/negotiation';
import { Outgoing } from '../../chunks/outgoing';
import { MAX_CHUNK_SIZE, Pace, SHARED_FOR_MS } from '../../chunks/pace';
import { ChunkSender } from '../../chunks/sender';
import { Slicer } from '../../chunks/splitter';
import { ITransfer, Transfers } from '../../chunks/transfers';

type Msg = KernelMessage.IMessage;
const KIB = 1024;

function message(channel: string, type: string, content: object): Msg {
  return {
    header: { msg_id: `m-${Math.random()}`, msg_type: type, subshell_id: null },
    parent_header: {},
    channel,
    metadata: {},
    content,
    buffers: []
  } as unknown as Msg;
}

/** The adaptive-format chunks of a kernel message, cut at the given sizes. */
function adaptiveChunks(
  type: string,
  content: { comm_id: string; data: object },
  buffer: Uint8Array,
  sizes: number[]
): Msg[] {
  const slicer = new Slicer(payloadOf(content.data, [buffer]), 't');
  const out: Msg[] = [];
  for (const size of sizes) {
    const { header, slice } = slicer.take(size);
    const last = slicer.exhausted;
    const msg = message('iopub', last ? type : 'comm_msg', {
      ...(last ? content : { comm_id: content.comm_id }),
      data: chunkData({ ...header })
    });
    out.push({ ...msg, buffers: [slice] });
  }
  expect(slicer.exhausted).toBe(true);
  return out;
}

function incoming() {
  const transfers = new Transfers();
  const seen: ITransfer[] = [];
  transfers.changed.connect((_, t) => seen.push(t));
  const outgoing = new Outgoing({
    kernelId: 'k',
    negotiation: new Negotiation(() => Promise.resolve({})),
    transfers,
    send: () => undefined,
    create: () => message('shell', 'comm_msg', {}) as KernelMessage.ICommMsgMsg,
    idle: () => Promise.resolve(),
    newId: () => 'mine',
    warn: () => undefined
  });
  const taker = new Incoming({
    kernelId: 'k',
    assembler: new Assembler(),
    transfers,
    outgoing,
    sendCancel: () => undefined,
    warn: m => {
      throw new Error(m);
    }
  });
  return { taker, seen };
}

describe('the adaptive chunk format, kernel to page', () => {
  it('reassembles slices of any size into the comm_open the last chunk carries', () => {
    const { taker } = incoming();
    const buffer = new Uint8Array(700).map((_, i) => i % 251);
    const content = { comm_id: 'c9', target_name: 'big', data: { img: 1 } };
    const chunks = adaptiveChunks('comm_open', content, buffer, [50, 100, 800]);
    expect(chunks.map(c => c.header.msg_type)).toEqual([
      'comm_msg',
      'comm_msg',
      'comm_open'
    ]);
    const taken = chunks.map(c => taker.take(c));
    expect(taken.map(t => t.kind)).toEqual(['swallow', 'swallow', 'deliver']);
    const last = taken[2];
    if (last.kind !== 'deliver') {
      throw new Error('nothing delivered');
    }
    const open = last.msg as KernelMessage.ICommOpenMsg;
    expect(open.header.msg_type).toBe('comm_open');
    expect(open.content.target_name).toBe('big');
    expect(open.content.data).toEqual({ img: 1 });
    const view = open.buffers![0] as DataView;
    expect([
      ...new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
    ]).toEqual([...buffer]);
  });

  it('delivers a chunked comm_close whole, then drops what else was partial on its comm', () => {
    const { taker, seen } = incoming();
    const other = adaptiveChunks(
      'comm_msg',
      { comm_id: 'c1', data: {} },
      new Uint8Array(300),
      [100, 100, 200]
    ).map(m => {
      const data = (m.content as { data: Record<string, any> }).data;
      data.ipycomm_chunk.transfer = 'other';
      return m;
    });
    expect(taker.take(other[0]).kind).toBe('swallow');
    const close = adaptiveChunks(
      'comm_close',
      { comm_id: 'c1', data: { bye: true } },
      new Uint8Array(200),
      [150, 150]
    );
    expect(close.map(m => taker.take(m).kind)).toEqual(['swallow', 'deliver']);
    expect(seen.filter(t => t.id === 'other').pop()).toMatchObject({
      state: 'failed',
      reason: 'the comm closed'
    });
  });
});

describe('adaptive pacing, page to kernel', () => {
  function sending(size: number, others: () => number, now: () => number) {
    const sent: Msg[] = [];
    const idles = new Map<string, () => void>();
    const original = {
      ...message('shell', 'comm_msg', { comm_id: 'c1', data: {} }),
      buffers: [new Uint8Array(size - 2).buffer]
    } as KernelMessage.ICommMsgMsg;
    const pace = new Pace({ chunkSize: 64 * KIB, adaptive: true, others, now });
    const sender = new ChunkSender(
      original,
      payloadOf({}, original.buffers!),
      pace,
      't1',
      {
        send: m => sent.push(m),
        create: (data, buffers) =>
          ({
            ...message('shell', 'comm_msg', { comm_id: 'c1', data }),
            buffers
          }) as KernelMessage.ICommMsgMsg,
        idle: id => new Promise(resolve => idles.set(id, resolve)),
        progress: () => undefined
      }
    );
    const sizes = () =>
      sent.map(m => (m.buffers![0] as ArrayBuffer).byteLength);
    /** Acknowledges the oldest chunk in flight and lets the sender go on. */
    const ack = async () => {
      const [id, resolve] = idles.entries().next().value!;
      idles.delete(id);
      resolve();
      await new Promise(r => setTimeout(r, 0));
    };
    return { sender, sent, sizes, ack, idles };
  }

  it('sends a lone transfer in the largest chunks, two in flight, the last marked', async () => {
    const { sender, sent, sizes, ack } = sending(
      20 * 1024 * KIB,
      () => 0,
      () => 0
    );
    let finished = false;
    const done = sender.run().finally(() => (finished = true));
    await new Promise(r => setTimeout(r, 0));
    expect(sizes()).toEqual([MAX_CHUNK_SIZE, MAX_CHUNK_SIZE]);
    while (!finished) {
      await ack();
    }
    expect(await done).toBe(true);
    expect(sizes()).toEqual([8192, 8192, 4096].map(n => n * KIB));
    const headers = sent.map(
      m => (m.content as { data: Record<string, any> }).data.ipycomm_chunk
    );
    expect(headers.map(h => h.count)).toEqual(Array(3).fill(undefined));
    expect(headers.map(h => h.last ?? false)).toEqual([false, false, true]);
  });

  it('keeps one small chunk in flight while the page sends other messages', async () => {
    let others = 0;
    let now = 0;
    const { sender, sizes, ack, idles } = sending(
      40 * 1024 * KIB,
      () => others,
      () => now
    );
    void sender.run();
    await new Promise(r => setTimeout(r, 0));
    others += 1; // say, a slider's update
    await ack();
    await ack();
    expect(idles.size).toBe(1);
    expect(sizes().slice(2)).toEqual([64 * KIB]); // the chunk size, under SHARED_CHUNK_SIZE
    now += SHARED_FOR_MS + 1;
    await ack();
    expect(idles.size).toBe(2);
    expect(sizes().slice(3)).toEqual([MAX_CHUNK_SIZE, MAX_CHUNK_SIZE]); // afresh
    sender.stop();
  });
});

describe('an adaptive transfer sharing the connection, page to kernel', () => {
  /** An Outgoing on a kernel that reads the adaptive format; the test acknowledges chunks. */
  async function adaptiveOutgoing() {
    const sent: Msg[] = [];
    const idles: (() => void)[] = [];
    const outgoing = new Outgoing({
      kernelId: 'k',
      negotiation: new Negotiation(() =>
        Promise.resolve({
          status: 'ok',
          ipycomm: {
            chunk_format: 2,
            chunk_size: 64 * KIB,
            max_message_size: 1 << 30
          }
        })
      ),
      transfers: new Transfers(),
      send: m => sent.push(m),
      create: (commId, data, buffers) =>
        ({
          ...message('shell', 'comm_msg', { comm_id: commId, data }),
          buffers
        }) as KernelMessage.ICommMsgMsg,
      idle: () => new Promise(resolve => idles.push(resolve)),
      newId: () => 't1',
      warn: () => undefined
    });
    const send = (m: Msg) => outgoing.take(m) || sent.push(m);
    const ackOne = async () => {
      idles.shift()!();
      await new Promise(r => setTimeout(r, 0));
    };
    return { outgoing, sent, idles, send, ackOne };
  }
  const comm = (commId: string, data: object, buffers: ArrayBuffer[] = []) =>
    ({
      ...message('shell', 'comm_msg', { comm_id: commId, data }),
      buffers
    }) as Msg;
  const dataOf = (m: Msg) => (m.content as { data: any }).data;

  it('sends a message on another comm past the unacknowledged chunks, and keeps the comm order', async () => {
    const t = await adaptiveOutgoing();
    const big = comm('c1', { big: 1 }, [
      new Uint8Array(20 * 1024 * KIB).buffer
    ]);
    t.send(big); // held while the page asks the kernel what it reads
    await new Promise(r => setTimeout(r, 0));
    expect(t.sent).toHaveLength(2); // no idle yet: two chunks in flight, the rest queued
    const after = comm('c1', { after: 1 });
    const slider = comm('c2', { value: 5 });
    t.send(after);
    t.send(slider);
    expect(t.sent[2]).toBe(slider); // at once, past the queued chunks
    expect(t.sent).not.toContain(after);
    await t.ackOne();
    await t.ackOne();
    // Shared now: one chunk in flight, of the chunk size (under SHARED_CHUNK_SIZE).
    expect(t.idles).toHaveLength(1);
    const chunk = t.sent[t.sent.length - 1];
    expect((chunk.buffers![0] as ArrayBuffer).byteLength).toBe(64 * KIB);
    while (t.idles.length > 0) {
      await t.ackOne();
    }
    const tail = t.sent.slice(-2);
    expect(tail[0].header.msg_id).toBe(big.header.msg_id);
    expect(dataOf(tail[0]).ipycomm_chunk.last).toBe(true);
    expect(tail[1]).toBe(after);
    t.outgoing.reset('the test ended');
  });
});
