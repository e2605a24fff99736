import type { KernelMessage } from '@jupyterlab/services';
import { Assembler } from '../../chunks/assembler';
import { chunkData, payloadOf } from '../../chunks/format';
import { Incoming, Taken } from '../../chunks/incoming';
import { Negotiation } from '../../chunks/negotiation';
import { Outgoing } from '../../chunks/outgoing';
import { chunksOf } from '../../chunks/splitter';
import { ITransfer, Transfers } from '../../chunks/transfers';

type Msg = KernelMessage.IMessage;

function iopub(
  type: string,
  content: object,
  buffers: ArrayBuffer[] = []
): Msg {
  return {
    header: { msg_id: 'k', msg_type: type },
    parent_header: {},
    channel: 'iopub',
    metadata: {},
    content,
    buffers
  } as unknown as Msg;
}

/** The chunk messages the kernel would publish for this data and buffer on comm c1. */
function kernelChunks(
  data: object,
  buffer: Uint8Array,
  chunkSize: number,
  transfer = 't'
): Msg[] {
  return [...chunksOf(payloadOf(data, [buffer]), chunkSize, transfer)].map(c =>
    iopub('comm_msg', { comm_id: 'c1', data: chunkData({ ...c.header }) }, [
      c.slice
    ])
  );
}

function setup() {
  const warnings: string[] = [];
  const cancels: string[] = [];
  const transfers = new Transfers();
  const seen: ITransfer[] = [];
  transfers.changed.connect((_, t) => seen.push(t));
  const outgoing = new Outgoing({
    kernelId: 'k',
    negotiation: new Negotiation(() => Promise.resolve({})),
    transfers,
    send: () => undefined,
    create: () => iopub('comm_msg', {}) as KernelMessage.ICommMsgMsg,
    idle: () => Promise.resolve(),
    newId: () => 'mine',
    warn: m => warnings.push(m)
  });
  const incoming = new Incoming({
    kernelId: 'k',
    assembler: new Assembler(),
    transfers,
    outgoing,
    sendCancel: (_, transfer) => cancels.push(transfer),
    warn: m => warnings.push(m)
  });
  return { incoming, warnings, cancels, seen };
}

const kinds = (taken: Taken[]) => taken.map(t => t.kind);

describe('Incoming', () => {
  it('drops the partial of a transfer the kernel then sent whole, and passes the message', () => {
    const { incoming, seen, warnings } = setup();
    const buffer = new Uint8Array(250).map((_, i) => i);
    const [first] = kernelChunks({ big: true }, buffer, 100, 'tx');
    expect(incoming.take(first).kind).toBe('swallow');
    const whole = iopub('comm_msg', { comm_id: 'c1', data: { big: true } }, [
      buffer.buffer
    ]);
    whole.metadata = { ipycomm: { seq: 9, abandons: 'tx' } };
    expect(incoming.take(whole).kind).toBe('pass');
    expect(seen.map(t => t.state)).not.toContain('failed');
    expect(seen[seen.length - 1]).toMatchObject({ id: 'tx', state: 'done' });
    expect(warnings).toEqual([]);
    // Nothing of it is left: a later chunk of that id is malformed, not a continuation.
    const [, second] = kernelChunks({ big: true }, buffer, 100, 'tx');
    expect(incoming.take(second).kind).toBe('swallow');
    expect(warnings.length).toBe(1);
  });

  it('swallows every chunk and delivers one whole message after the last', () => {
    const { incoming, seen } = setup();
    const buffer = new Uint8Array(250).map((_, i) => i);
    const taken = kernelChunks({ big: true }, buffer, 100).map(m =>
      incoming.take(m)
    );
    expect(kinds(taken)).toEqual(['swallow', 'swallow', 'deliver']);
    const last = taken[2];
    if (last.kind !== 'deliver') {
      throw new Error('no message delivered');
    }
    const whole = last.msg as KernelMessage.ICommMsgMsg;
    expect(whole.content.data).toEqual({ big: true });
    const view = last.msg.buffers![0] as DataView;
    expect([
      ...new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
    ]).toEqual([...buffer]);
    expect(seen.map(t => [t.state, t.done])).toEqual([
      ['active', 0],
      ['active', 100],
      ['active', 200],
      ['done', 262]
    ]);
  });

  it('passes every other message through untouched', () => {
    const { incoming } = setup();
    expect(
      incoming.take(iopub('comm_msg', { comm_id: 'c1', data: { x: 1 } })).kind
    ).toBe('pass');
    expect(incoming.take(iopub('stream', { text: 'hi' })).kind).toBe('pass');
  });

  it('drops a transfer whose chunks come out of order, tells the kernel, and ignores the rest', () => {
    const { incoming, warnings, cancels, seen } = setup();
    const chunks = kernelChunks({}, new Uint8Array(500), 100);
    incoming.take(chunks[0]);
    expect(incoming.take(chunks[2]).kind).toBe('swallow');
    expect(warnings.join()).toMatch(
      /dropped a message from the kernel after 100 B: .*expected chunk 1/
    );
    expect(cancels).toEqual(['t']);
    expect(kinds(chunks.slice(3).map(m => incoming.take(m)))).toEqual([
      'swallow',
      'swallow',
      'swallow'
    ]);
    expect(warnings).toHaveLength(1);
    expect(seen[seen.length - 1]).toMatchObject({ state: 'failed' });
  });

  it('drops the partial message of a comm the kernel closed, delivering nothing', () => {
    const { incoming, seen } = setup();
    const chunks = kernelChunks({}, new Uint8Array(300), 100);
    incoming.take(chunks[0]);
    incoming.take(iopub('comm_close', { comm_id: 'c1', data: {} }));
    expect(seen[seen.length - 1]).toMatchObject({
      state: 'failed',
      reason: 'the comm closed'
    });
  });

  it('drops a partial message the kernel cancelled', () => {
    const { incoming, seen } = setup();
    incoming.take(kernelChunks({}, new Uint8Array(300), 100)[0]);
    incoming.take(
      iopub('comm_msg', {
        comm_id: 'c1',
        data: chunkData({ transfer: 't', cancel: true })
      })
    );
    expect(seen[seen.length - 1]).toMatchObject({
      state: 'cancelled',
      reason: 'cancelled by the kernel'
    });
  });

  it('reports a malformed chunk and hands nothing on', () => {
    const { incoming, warnings } = setup();
    const bad = iopub('comm_msg', {
      comm_id: 'c1',
      data: chunkData({ transfer: 't', index: 'x' })
    });
    expect(incoming.take(bad).kind).toBe('swallow');
    expect(warnings.join()).toMatch(/malformed chunk on comm c1/);
  });
});
