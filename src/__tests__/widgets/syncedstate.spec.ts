import { Signal } from '@lumino/signaling';
import { CommModel } from '../../comms/model';
import { STATE_KEY } from '../../kernel/protocol';
import {
  ModuleState,
  readyOrClosed,
  resyncAfterReconnect,
  storeOf
} from '../../widgets/syncedstate';

function stateModel(sent: unknown[]): CommModel {
  return new CommModel({
    commId: 'c1',
    targetName: 'counter',
    kernelId: 'k1',
    transport: { send: data => void sent.push(data), close: () => undefined },
    state: { [STATE_KEY]: { kind: 'full', version: 0 }, state: { count: 0 } }
  });
}

describe('a comm’s synced state in the page', () => {
  it('is made once per model, asks the kernel for its state, and follows its messages', async () => {
    const sent: any[] = [];
    const model = stateModel(sent);
    const store = storeOf(model)!;
    expect(storeOf(model)).toBe(store);
    expect(sent).toEqual([{ [STATE_KEY]: { kind: 'sync' } }]);
    model.handleMessage({
      [STATE_KEY]: { kind: 'full', version: 2 },
      state: { count: 2 }
    });
    await store.ready;
    expect(store.get('count')).toBe(2);
  });

  it('is not made for a comm opened without a state', () => {
    const model = new CommModel({
      commId: 'c2',
      targetName: 'counter',
      kernelId: 'k1',
      transport: { send: () => undefined, close: () => undefined }
    });
    expect(storeOf(model)).toBeNull();
  });

  it('asks the kernel again after the connection dropped and came back, not before', () => {
    const sent: any[] = [];
    const model = stateModel(sent);
    storeOf(model);
    const kernel = { connectionStatusChanged: new Signal<unknown, string>({}) };
    resyncAfterReconnect(kernel, () => [model]);
    (kernel.connectionStatusChanged as Signal<unknown, string>).emit(
      'connected'
    );
    expect(sent).toHaveLength(1);
    (kernel.connectionStatusChanged as Signal<unknown, string>).emit(
      'connecting'
    );
    (kernel.connectionStatusChanged as Signal<unknown, string>).emit(
      'connected'
    );
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual({ [STATE_KEY]: { kind: 'sync' } });
  });

  it('stops waiting for the kernel’s state when the comm closes', async () => {
    const model = stateModel([]);
    const store = storeOf(model)!;
    const waited = readyOrClosed(store, model);
    model.disconnect('The kernel closed it');
    await waited;
    expect(store.version).toBe(-1);
  });

  it('refuses a value that is not JSON or binary at once, naming the key, and sends nothing', () => {
    const sent: any[] = [];
    const model = stateModel(sent);
    const state = new ModuleState(storeOf(model)!, () => undefined);
    expect(() => state.set('when', new Date())).toThrow(
      "comm.state.set: 'when' is a Date, not JSON or binary"
    );
    expect(() => state.set({ ok: 1, big: { n: [1, 10n] } })).toThrow(
      '\'big\' at ["n"][1] is a bigint'
    );
    expect(() => state.set('x', NaN)).toThrow("'x' is the number NaN");
    expect(() => state.set('f', () => 1)).toThrow("'f' is a function");
    expect(sent).toHaveLength(1); // the sync only
    state.set({
      bytes: new Uint8Array(2),
      nested: { list: [null, 'a', true] }
    });
    expect(sent).toHaveLength(2);
    expect(model.connected).toBe(true);
  });
});
