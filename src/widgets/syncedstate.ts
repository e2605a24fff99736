/**
 * Where a comm's synced state lives in a page: one store per comm model, shared by all its
 * views in the page, which asks the kernel for the current state when it is made and follows
 * the kernel's changes from then on. Each view's module gets its own `comm.state` over it, so
 * its listeners go with the view. The latest state is kept as the model's state too, so it is
 * written into the view's output when the notebook is saved (not on every change).
 */
import { UUID } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import { STATE_KEY } from '../kernel/protocol';
import { frameScheduler } from '../util/coalesce';
import type { IJSONObject } from '../util/json';
import type { IIncomingMessage, IWidgetModel } from './api';
import type { IModuleState, KeyListener, StateListener } from './contract';
import { StateStore } from './statestore';
import { checkValue, splitValues } from './statevalues';

const stores = new WeakMap<IWidgetModel, StateStore>();

/** Whether the comm was opened with a synced state (`ipycomm.Comm(..., state={...})`). */
export function hasSyncedState(model: IWidgetModel): boolean {
  return STATE_KEY in model.state;
}

/** The page's store of the comm's synced state; made (and synced) on first use. */
export function storeOf(model: IWidgetModel): StateStore | null {
  if (!hasSyncedState(model)) {
    return null;
  }
  let store = stores.get(model);
  if (!store) {
    store = makeStore(model);
    stores.set(model, store);
  }
  return store;
}

/** What a resync needs of a kernel connection (Kernel.IKernelConnection fits). */
export interface IReconnecting {
  readonly connectionStatusChanged: ISignal<unknown, string>;
}

/**
 * After the connection to the kernel dropped and came back, every store of its comms asks the
 * kernel for the current state again: changes sent while the page was away never arrive.
 */
export function resyncAfterReconnect(
  kernel: IReconnecting,
  models: () => Iterable<IWidgetModel>
): void {
  let dropped = false;
  kernel.connectionStatusChanged.connect((_, status) => {
    if (status === 'connecting') {
      dropped = true;
    } else if (status === 'connected' && dropped) {
      dropped = false;
      for (const model of models()) {
        stores.get(model)?.sync();
      }
    }
  });
}

/** Resolves when the store has the kernel's state, or the comm closed (it never will). */
export function readyOrClosed(
  store: StateStore,
  model: IWidgetModel
): Promise<void> {
  return new Promise(resolve => {
    const onChanged = (): void => {
      if (!model.connected) {
        done();
      }
    };
    const done = (): void => {
      model.changed.disconnect(onChanged);
      resolve();
    };
    model.changed.connect(onChanged);
    void store.ready.then(done);
  });
}

function makeStore(model: IWidgetModel): StateStore {
  const store = new StateStore(
    UUID.uuid4(),
    (data, buffers) => model.send(data as IJSONObject, null, buffers),
    error => console.warn('ipycomm: a synced-state listener raised', error)
  );
  let saveDue = false;
  const save = (): void => {
    saveDue = false;
    const { state, paths } = splitValues(store.snapshot());
    const full = { kind: 'full', version: store.version };
    model.setState({
      [STATE_KEY]: full,
      state,
      buffer_paths: paths
    } as IJSONObject);
  };
  model.messageReceived.connect((_: unknown, message: IIncomingMessage) => {
    try {
      if (store.receive(message.data, message.buffers) && !saveDue) {
        saveDue = true;
        frameScheduler.request(save);
      }
    } catch (error) {
      console.warn(
        `ipycomm: a malformed state message on comm ${model.commId}`,
        error
      );
    }
  });
  store.sync();
  return store;
}

/** One view's `comm.state`: its listeners are reported under the view and go with it. */
export class ModuleState implements IModuleState {
  constructor(
    private readonly _store: StateStore,
    private readonly _report: (error: unknown) => void
  ) {}

  get(key: string): unknown {
    return this._store.get(key);
  }

  set(keyOrValues: string | Record<string, unknown>, value?: unknown): boolean {
    if (typeof keyOrValues !== 'string' && !isPlainObject(keyOrValues)) {
      throw new TypeError(
        'comm.state.set: pass (key, value) or an object of keys and values'
      );
    }
    const values =
      typeof keyOrValues === 'string' ? { [keyOrValues]: value } : keyOrValues;
    Object.entries(values).forEach(([k, v]) => checkValue(k, v));
    return this._store.set(values);
  }

  on(event: 'change', listener: StateListener): () => void;
  on(event: `change:${string}`, listener: KeyListener): () => void;
  on(event: string, listener: StateListener | KeyListener): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError(
        `comm.state.on('${event}'): the listener must be a function`
      );
    }
    const guarded = (arg: Record<string, unknown>): void => {
      try {
        (listener as (a: unknown) => void)(arg);
      } catch (error) {
        this._report(error);
      }
    };
    const off = this._store.on(event as 'change', guarded);
    this._offs.add(off);
    return () => {
      this._offs.delete(off);
      off();
    };
  }

  /** The view went away: its listeners stop. */
  dispose(): void {
    this._offs.forEach(off => off());
    this._offs.clear();
  }

  private _offs = new Set<() => void>();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
