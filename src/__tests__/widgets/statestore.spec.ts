import { STATE_KEY } from '../../kernel/protocol';
import { StateStore } from '../../widgets/statestore';

type Sent = { data: Record<string, any>; buffers: ReadonlyArray<unknown> };

function store(): { s: StateStore; sent: Sent[]; errors: unknown[] } {
  const sent: Sent[] = [];
  const errors: unknown[] = [];
  const s = new StateStore(
    'view-1',
    (data, buffers) => {
      sent.push({ data, buffers });
      return true;
    },
    error => errors.push(error)
  );
  return { s, sent, errors };
}

const full = (version: number, state: Record<string, unknown>) => ({
  [STATE_KEY]: { kind: 'full', version },
  state
});
const change = (
  version: number,
  state: Record<string, unknown>,
  extra: Record<string, unknown> = {}
) => ({ [STATE_KEY]: { kind: 'change', version, ...extra }, state });

describe('a page’s synced state', () => {
  it('is ready once the kernel’s full state arrives, and ignores changes before it', async () => {
    const { s } = store();
    let ready = false;
    void s.ready.then(() => (ready = true));
    s.receive(change(3, { count: 3 }), []);
    expect(s.get('count')).toBeUndefined();
    s.receive(full(3, { count: 3, label: 'x' }), []);
    await s.ready;
    expect(ready).toBe(true);
    expect(s.snapshot()).toEqual({ count: 3, label: 'x' });
    expect(s.version).toBe(3);
  });

  it('shows a local set at once and sends it with its seq', () => {
    const { s, sent } = store();
    s.receive(full(0, { count: 0 }), []);
    const seen: unknown[] = [];
    s.on('change:count', v => seen.push(v));
    s.set('count', 1);
    s.set({ count: 2, label: 'two' });
    expect(s.get('count')).toBe(2);
    expect(seen).toEqual([1, 2]);
    expect(sent.map(m => m.data[STATE_KEY])).toEqual([
      { kind: 'set', view: 'view-1', seq: 1 },
      { kind: 'set', view: 'view-1', seq: 2 }
    ]);
    expect(sent[1].data.state).toEqual({ count: 2, label: 'two' });
  });

  it('keeps its pending value over the kernel’s until the kernel acknowledges its set', () => {
    const { s } = store();
    s.receive(full(0, { count: 0 }), []);
    s.set('count', 5); // seq 1
    // Another page's set, ordered by the kernel before ours: not shown over ours.
    s.receive(change(1, { count: 9 }, { acks: { other: 1 } }), []);
    expect(s.get('count')).toBe(5);
    // Ours, acknowledged, then the other page's later set: the kernel's order wins.
    s.receive(change(2, { count: 5 }, { acks: { 'view-1': 1 } }), []);
    s.receive(change(3, { count: 7 }, { acks: { other: 2 } }), []);
    expect(s.get('count')).toBe(7);
  });

  it('converges to the kernel’s value when its own set was merged with a later one', () => {
    const { s } = store();
    s.receive(full(0, {}), []);
    s.set('count', 1); // seq 1
    s.set('count', 2); // seq 2
    s.receive(change(1, { count: 1 }, { acks: { 'view-1': 1 } }), []);
    expect(s.get('count')).toBe(2); // seq 2 still pending
    s.receive(change(2, { count: 4 }, { acks: { 'view-1': 2, other: 3 } }), []);
    expect(s.get('count')).toBe(4);
  });

  it('tells listeners only what changed, deletions included', () => {
    const { s } = store();
    s.receive(full(0, { a: 1, b: [1, 2] }), []);
    const changes: unknown[] = [];
    s.on('change', c => changes.push(c));
    s.receive(change(1, { a: 1, b: [1, 3] }), []);
    s.receive(change(2, {}, { deleted: ['a'] }), []);
    expect(changes).toEqual([{ b: [1, 3] }, { a: undefined }]);
    expect(s.snapshot()).toEqual({ b: [1, 3] });
  });

  it('unsubscribes, and reports a listener that throws without stopping the others', () => {
    const { s, errors } = store();
    s.receive(full(0, {}), []);
    const seen: unknown[] = [];
    s.on('change', () => {
      throw new Error('listener bug');
    });
    const off = s.on('change:x', v => seen.push(v));
    s.set('x', 1);
    off();
    s.set('x', 2);
    expect(seen).toEqual([1]);
    expect(errors.map(e => (e as Error).message)).toEqual([
      'listener bug',
      'listener bug'
    ]);
  });

  it('puts buffers back at their paths and sends binary values as buffers', () => {
    const { s, sent } = store();
    const bytes = new DataView(new Uint8Array([1, 2, 3]).buffer);
    s.receive(
      {
        [STATE_KEY]: { kind: 'full', version: 0 },
        state: { image: null, meta: { parts: [null, 3] } },
        buffer_paths: [['image'], ['meta', 'parts', 0]]
      },
      [bytes, bytes]
    );
    expect(s.get('image')).toBe(bytes);
    expect((s.get('meta') as any).parts).toEqual([bytes, 3]);
    const out = new Uint8Array([9, 9]);
    s.set({ picture: out });
    expect(sent[0].data.state).toEqual({ picture: null });
    expect(sent[0].data.buffer_paths).toEqual([['picture']]);
    expect(sent[0].buffers).toEqual([out]);
  });

  it('ignores a full state older than what it holds, and rejects unknown events', () => {
    const { s } = store();
    s.receive(full(4, { count: 4 }), []);
    s.receive(full(2, { count: 2 }), []);
    expect(s.get('count')).toBe(4);
    expect(() => (s as any).on('msg', () => undefined)).toThrow(
      "unknown event 'msg'"
    );
    expect(s.receive({ other: 1 }, [])).toBe(false);
  });
});
