/**
 * The chunked transfers in flight on every kernel connection of the page, and their progress
 * (docs/chunking.md §3): what views show under a comm and the Comm Inspector lists, and where
 * the user cancels one. Bookkeeping only: the connection side (connection.ts) moves the bytes
 * and reports here.
 */
import { ISignal, Signal } from '@lumino/signaling';

export type TransferDirection = 'send' | 'receive';
export type TransferState = 'active' | 'done' | 'cancelled' | 'failed';

export interface ITransfer {
  readonly id: string;
  readonly kernelId: string;
  readonly commId: string;
  readonly direction: TransferDirection;
  /** The payload's bytes. */
  readonly size: number;
  /** The bytes the other side has taken. */
  readonly done: number;
  readonly state: TransferState;
  /** Why it failed or was cancelled. */
  readonly reason: string;
}

interface IEntry extends ITransfer {
  done: number;
  state: TransferState;
  reason: string;
  cancel: (reason: string) => void;
}

export interface IStartOptions {
  id: string;
  kernelId: string;
  commId: string;
  direction: TransferDirection;
  size: number;
  /** Stops the transfer; called at most once, by `cancel`. */
  cancel: (reason: string) => void;
}

export class Transfers {
  /** Fires with a transfer's new state whenever it starts, moves on or ends. */
  get changed(): ISignal<this, ITransfer> {
    return this._changed;
  }

  /** The transfers in flight, oldest first. */
  get active(): ITransfer[] {
    return [...this._entries.values()].map(snapshot);
  }

  get(id: string): ITransfer | null {
    const entry = this._entries.get(id);
    return entry ? snapshot(entry) : null;
  }

  start(options: IStartOptions): void {
    const entry: IEntry = { ...options, done: 0, state: 'active', reason: '' };
    this._entries.set(options.id, entry);
    this._changed.emit(snapshot(entry));
  }

  /** The other side has taken `done` bytes of it. */
  progress(id: string, done: number): void {
    const entry = this._entries.get(id);
    if (entry) {
      entry.done = Math.min(entry.size, Math.max(entry.done, done));
      this._changed.emit(snapshot(entry));
    }
  }

  /** It ended: whole, cancelled or failed (with the reason). It leaves the list. */
  finish(
    id: string,
    state: Exclude<TransferState, 'active'>,
    reason = ''
  ): void {
    const entry = this._entries.get(id);
    if (!entry) {
      return;
    }
    this._entries.delete(id);
    entry.state = state;
    entry.reason = reason;
    if (state === 'done') {
      entry.done = entry.size;
    }
    this._changed.emit(snapshot(entry));
  }

  /** The user cancels it: the connection side stops it and reports it cancelled. */
  cancel(id: string, reason = 'cancelled by the user'): void {
    const entry = this._entries.get(id);
    if (!entry) {
      return;
    }
    try {
      entry.cancel(reason);
    } finally {
      this.finish(id, 'cancelled', reason);
    }
  }

  private _entries = new Map<string, IEntry>();
  private _changed = new Signal<this, ITransfer>(this);
}

function snapshot(entry: IEntry): ITransfer {
  const { id, kernelId, commId, direction, size, done, state, reason } = entry;
  return { id, kernelId, commId, direction, size, done, state, reason };
}

/** The page's one registry, shared by every connection, view and inspector. */
export const transfers = new Transfers();
