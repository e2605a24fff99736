/**
 * A comm's synced state as one page holds it (docs/frontend-targets.md §6). The kernel is the
 * authority: it orders every change and numbers it with a version. A `set` here shows at once
 * and is sent to the kernel; until the kernel acknowledges it (`acks`), the kernel's values for
 * that key are not shown, and from then on they are, so the page converges to the kernel's order.
 * Pure: it sends through the function it is given, so jest drives it without a kernel.
 */
import { PromiseDelegate } from '@lumino/coreutils';
import { STATE_KEY } from '../kernel/protocol';
import type {
  Buffers,
  KeyListener,
  StateListener as ChangeListener
} from './contract';
import { joinValues, sameValue, splitValues } from './statevalues';
/** Sends a comm message to the kernel; false when the comm is disconnected. */
export type StateSend = (
  data: Record<string, unknown>,
  buffers: Buffers
) => boolean;

interface IHeader {
  kind: string;
  version: number;
  acks?: Record<string, number>;
  deleted?: string[];
}

export class StateStore {
  /**
   * `viewId` names this page's sets in the kernel's acknowledgements; `report` shows what a
   * listener raised (the other listeners still run).
   */
  constructor(
    readonly viewId: string,
    private readonly _send: StateSend,
    private readonly _report: (error: unknown) => void
  ) {}

  /** Resolves once the kernel's current state has arrived (after `sync`). */
  get ready(): Promise<void> {
    return this._ready.promise;
  }

  /** The kernel version the values are at; -1 before the first full state. */
  get version(): number {
    return this._version;
  }

  get(key: string): unknown {
    return this._values[key];
  }

  /** Every key and value, as this page shows them. */
  snapshot(): Record<string, unknown> {
    return { ...this._values };
  }

  /** `set(key, value)` or `set({...})`: shown here at once, then ordered by the kernel. */
  set(keyOrValues: string | Record<string, unknown>, value?: unknown): boolean {
    const values =
      typeof keyOrValues === 'string'
        ? { [keyOrValues]: value }
        : { ...keyOrValues };
    const seq = ++this._seq;
    for (const key of Object.keys(values)) {
      this._pending.set(key, seq);
    }
    this._show(values);
    const { state, paths, buffers } = splitValues(values);
    const header = { kind: 'set', view: this.viewId, seq };
    return this._send(
      { [STATE_KEY]: header, state, buffer_paths: paths },
      buffers
    );
  }

  /** Asks the kernel for its whole state (its answer makes `ready` resolve). */
  sync(): boolean {
    return this._send({ [STATE_KEY]: { kind: 'sync' } }, []);
  }

  /** `on('change', cb)` or `on('change:key', cb)`; returns the unsubscribe function. */
  on(event: 'change', listener: ChangeListener): () => void;
  on(event: `change:${string}`, listener: KeyListener): () => void;
  on(event: string, listener: ChangeListener | KeyListener): () => void {
    if (event !== 'change' && !event.startsWith('change:')) {
      throw new TypeError(`comm.state.on: unknown event '${event}'`);
    }
    const entry = { event, listener };
    this._listeners.add(entry);
    return () => this._listeners.delete(entry);
  }

  /** Takes a message from the kernel: true if it was a state message (then it is consumed). */
  receive(
    data: Record<string, unknown>,
    buffers: ReadonlyArray<DataView>
  ): boolean {
    const header = data[STATE_KEY] as IHeader | undefined;
    if (header === undefined) {
      return false;
    }
    if (typeof header !== 'object' || typeof header.version !== 'number') {
      throw new Error(`${STATE_KEY} must hold a kind and a version`);
    }
    const state = { ...((data.state as Record<string, unknown>) ?? {}) };
    const values = joinValues(state, data.buffer_paths, buffers);
    if (header.kind === 'full') {
      this._full(header.version, values);
    } else if (header.kind === 'change') {
      this._change(header, values);
    }
    return true;
  }

  private _full(version: number, values: Record<string, unknown>): void {
    if (version < this._version) {
      return;
    }
    this._version = version;
    const next = { ...values };
    for (const key of this._pending.keys()) {
      next[key] = this._values[key];
    }
    const gone = Object.keys(this._values).filter(key => !(key in next));
    this._show(next, gone);
    this._ready.resolve();
  }

  private _change(header: IHeader, values: Record<string, unknown>): void {
    if (this._version < 0 || header.version <= this._version) {
      return; // the full state this page waits for holds it, or it is older than what it has
    }
    this._version = header.version;
    const mine = header.acks?.[this.viewId];
    if (mine !== undefined) {
      for (const [key, seq] of [...this._pending]) {
        if (seq <= mine) {
          this._pending.delete(key);
        }
      }
    }
    const shown = Object.fromEntries(
      Object.entries(values).filter(([key]) => !this._pending.has(key))
    );
    const deleted = (header.deleted ?? []).filter(
      key => !this._pending.has(key)
    );
    this._show(shown, deleted);
  }

  /** Applies values (and deletions); tells the listeners what changed. */
  private _show(values: Record<string, unknown>, deleted: string[] = []): void {
    const changes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      if (!(key in this._values) || !sameValue(this._values[key], value)) {
        changes[key] = value;
      }
      this._values[key] = value;
    }
    for (const key of deleted) {
      if (key in this._values) {
        delete this._values[key];
        changes[key] = undefined;
      }
    }
    this._notify(changes);
  }

  private _notify(changes: Record<string, unknown>): void {
    if (Object.keys(changes).length === 0) {
      return;
    }
    for (const { event, listener } of [...this._listeners]) {
      try {
        if (event === 'change') {
          (listener as ChangeListener)({ ...changes });
        } else if (event.slice(7) in changes) {
          (listener as KeyListener)(changes[event.slice(7)]);
        }
      } catch (error) {
        this._report(error);
      }
    }
  }

  private _values: Record<string, unknown> = {};
  private _version = -1;
  private _seq = 0;
  private _pending = new Map<string, number>();
  private _listeners = new Set<{
    event: string;
    listener: ChangeListener | KeyListener;
  }>();
  private _ready = new PromiseDelegate<void>();
}
