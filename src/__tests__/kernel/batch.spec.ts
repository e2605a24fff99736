import type { KernelMessage } from '@jupyterlab/services';
import { isBatch, unpackCommMsg } from '../../kernel/batch';

/** A comm_msg as the kernel connection hands it to comm.onMsg. */
function commMsg(
  data: unknown,
  metadata: unknown = {},
  buffers: ArrayBuffer[] = []
): KernelMessage.ICommMsgMsg {
  return {
    header: { msg_id: 'wire-1', msg_type: 'comm_msg' },
    parent_header: { msg_id: 'exec-1' },
    channel: 'iopub',
    metadata,
    content: { comm_id: 'c1', data },
    buffers
  } as unknown as KernelMessage.ICommMsgMsg;
}

function batch(items: unknown, buffers: ArrayBuffer[] = [], count = 0) {
  return commMsg(
    { ipycomm_batch: items },
    { ipycomm: { seq: 18, batch: count } },
    buffers
  );
}

const buf = (n: number) => new Uint8Array([n]).buffer;

function unpacked(msg: KernelMessage.ICommMsgMsg) {
  const result = unpackCommMsg(msg);
  if (!result.ok) {
    throw new Error(`expected a result, got: ${result.error}`);
  }
  return result.value;
}

function errorOf(msg: KernelMessage.ICommMsgMsg): string {
  const result = unpackCommMsg(msg);
  return result.ok ? '' : result.error;
}

describe('unpackCommMsg', () => {
  it('yields a plain message as itself, with or without a seq', () => {
    const plain = commMsg({ action: 'update', value: 1 });
    expect(unpacked(plain)).toEqual([plain]);
    const numbered = commMsg({ action: 'x' }, { ipycomm: { seq: 3 } });
    expect(unpacked(numbered)).toEqual([numbered]);
  });

  it('treats ipycomm_batch data without batch metadata as plain data', () => {
    const msg = commMsg({ ipycomm_batch: 'user data' });
    expect(isBatch(msg)).toBe(false);
    expect(unpacked(msg)).toEqual([msg]);
  });

  it('yields the items of a batch in order, with their data and metadata', () => {
    const msg = batch(
      [
        { data: { i: 0 } },
        { data: { i: 1 }, metadata: { tag: 'b' } },
        { data: { i: 2 } }
      ],
      [],
      3
    );
    const items = unpacked(msg);
    expect(items.map(m => m.content)).toEqual([
      { comm_id: 'c1', data: { i: 0 } },
      { comm_id: 'c1', data: { i: 1 } },
      { comm_id: 'c1', data: { i: 2 } }
    ]);
    expect(items.map(m => m.metadata)).toEqual([{}, { tag: 'b' }, {}]);
    expect(items[0].header).toBe(msg.header);
    expect(items[0].parent_header).toBe(msg.parent_header);
  });

  it('gives each item the buffers it owns, in order', () => {
    const [b0, b1, b2] = [buf(0), buf(1), buf(2)];
    const msg = batch(
      [
        { data: { i: 0 }, buffers: 2 },
        { data: { i: 1 } },
        { data: { i: 2 }, buffers: 1 }
      ],
      [b0, b1, b2]
    );
    expect(unpacked(msg).map(m => m.buffers)).toEqual([[b0, b1], [], [b2]]);
  });

  it('yields nothing for an empty batch', () => {
    expect(unpacked(batch([]))).toEqual([]);
  });

  it('rejects a batch whose items are not a list', () => {
    expect(errorOf(batch({ data: {} }))).toMatch(/must be a list/);
    expect(errorOf(commMsg(null, { ipycomm: { batch: 1 } }))).toMatch(
      /must be a list/
    );
  });

  it('rejects an item without a data object, naming the item', () => {
    expect(errorOf(batch([{ data: {} }, { value: 1 }]))).toMatch(/item 1/);
    expect(errorOf(batch([{ data: [1, 2] }]))).toMatch(/item 0/);
    expect(errorOf(batch(['text']))).toMatch(/item 0/);
  });

  it('rejects item metadata that is not an object', () => {
    expect(errorOf(batch([{ data: {}, metadata: 'x' }]))).toMatch(/metadata/);
  });

  it('rejects buffer counts that are not available', () => {
    expect(errorOf(batch([{ data: {}, buffers: 2 }], [buf(0)]))).toMatch(
      /item 0 claims 2 buffers/
    );
    expect(errorOf(batch([{ data: {}, buffers: -1 }]))).toMatch(/claims -1/);
    expect(errorOf(batch([{ data: {}, buffers: 0.5 }], [buf(0)]))).toMatch(
      /claims 0.5/
    );
    expect(errorOf(batch([{ data: {}, buffers: '1' }], [buf(0)]))).toMatch(
      /claims "1"/
    );
  });

  it('rejects buffers that belong to no item', () => {
    expect(errorOf(batch([{ data: {} }], [buf(0), buf(1)]))).toMatch(
      /2 buffers belong to no item/
    );
  });

  it('never throws, whatever the message', () => {
    const weird = [
      {},
      { content: null, metadata: { ipycomm: { batch: 2 } } },
      {
        content: { data: { ipycomm_batch: [null] } },
        metadata: { ipycomm: { batch: 1 } }
      },
      { metadata: 'x' }
    ];
    for (const msg of weird) {
      expect(() =>
        unpackCommMsg(msg as unknown as KernelMessage.ICommMsgMsg)
      ).not.toThrow();
    }
  });
});
