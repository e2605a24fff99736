/**
 * Reassembles the messages the kernel chunked (docs/chunking.md §2, §5), page side. Pure: it
 * takes chunks and says when a message is whole. The bytes go into one buffer allocated at
 * chunk 0, and the message's buffers are views of it, so memory stays at one copy.
 *
 * A partial message is never handed out: a chunk that is out of order or does not fit drops
 * its transfer with an error naming what went wrong. Mirrors the kernel's Assembler in
 * python/ipycomm/chunks/assembler.py.
 */
import { fail, IJSONObject, isObject, ok, Result } from '../util/json';
import { IChunkHeader, isLast } from './format';

/** A reassembled message: its data, and its buffers as views of the reassembled bytes. */
export interface IWhole {
  data: IJSONObject;
  buffers: DataView[];
}

/** How far one partial message got. */
export interface IPartial {
  transfer: string;
  commId: string;
  size: number;
  received: number;
}

interface IState extends IPartial {
  bytes: Uint8Array;
  parts: number[];
  next: number;
  /** Undefined in the adaptive format, which marks the last chunk instead. */
  count?: number;
}

export class Assembler {
  constructor(maxSize = Number.MAX_SAFE_INTEGER) {
    this._maxSize = maxSize;
  }

  /** The partial messages, oldest first. */
  get partials(): IPartial[] {
    return [...this._states.values()].map(
      ({ transfer, commId, size, received }) => ({
        transfer,
        commId,
        size,
        received
      })
    );
  }

  /**
   * Takes one chunk of a message on `commId`: the whole message after its last chunk, null
   * before, or an error (the transfer is then dropped).
   */
  accept(
    commId: string,
    header: IChunkHeader,
    slice: ArrayBuffer | ArrayBufferView
  ): Result<IWhole | null> {
    const state =
      header.index === 0
        ? this._start(commId, header)
        : this._find(commId, header);
    if (!state.ok) {
      this._states.delete(header.transfer);
      return state;
    }
    const s = state.value;
    const bytes = ArrayBuffer.isView(slice)
      ? new Uint8Array(slice.buffer, slice.byteOffset, slice.byteLength)
      : new Uint8Array(slice);
    if (s.received + bytes.byteLength > s.size) {
      this._states.delete(s.transfer);
      return fail(
        `chunk ${header.index} of transfer ${s.transfer} overflows its ${s.size} bytes`
      );
    }
    s.bytes.set(bytes, s.received);
    s.received += bytes.byteLength;
    s.next += 1;
    if (!isLast(header)) {
      return ok(null);
    }
    this._states.delete(s.transfer);
    if (s.received !== s.size) {
      return fail(
        `transfer ${s.transfer} ended after ${s.received} of its ${s.size} bytes`
      );
    }
    return wholeOf(s);
  }

  /** The bytes a partial message has so far, or null if it is not partial. */
  received(transfer: string): number | null {
    return this._states.get(transfer)?.received ?? null;
  }

  /** Drops one transfer; returns how far it got, or null if it was not partial. */
  drop(transfer: string): IPartial | null {
    const state = this._states.get(transfer);
    this._states.delete(transfer);
    return state ? { ...state } : null;
  }

  /** Drops the partial messages on one comm (it closed). */
  dropComm(commId: string): IPartial[] {
    return this.partials
      .filter(partial => partial.commId === commId)
      .map(partial => this.drop(partial.transfer) as IPartial);
  }

  /** Drops everything (the kernel restarted, the connection went away). */
  clear(): IPartial[] {
    const all = this.partials;
    this._states.clear();
    return all;
  }

  private _start(commId: string, header: IChunkHeader): Result<IState> {
    const { transfer, count, size = 0, parts = [] } = header;
    if (this._states.has(transfer)) {
      return fail(`transfer ${transfer} started twice`);
    }
    if (size > this._maxSize) {
      return fail(
        `transfer ${transfer} of ${size} bytes exceeds the limit of ${this._maxSize}`
      );
    }
    const state: IState = {
      transfer,
      commId,
      size,
      received: 0,
      bytes: new Uint8Array(size),
      parts,
      next: 0,
      count
    };
    this._states.set(transfer, state);
    return ok(state);
  }

  private _find(commId: string, header: IChunkHeader): Result<IState> {
    const state = this._states.get(header.transfer);
    if (!state) {
      return fail(
        `chunk ${header.index} of unknown transfer ${header.transfer}`
      );
    }
    if (
      state.commId !== commId ||
      header.index !== state.next ||
      header.count !== state.count
    ) {
      return fail(
        `transfer ${header.transfer} expected chunk ${state.next}${of(state.count)} on ` +
          `comm ${state.commId}, got chunk ${header.index}${of(header.count)} on comm ${commId}`
      );
    }
    return ok(state);
  }

  private _maxSize: number;
  private _states = new Map<string, IState>();
}

const of = (count?: number): string =>
  count === undefined ? '' : ` of ${count}`;

/** The message in a completed transfer's bytes: JSON data first, then the buffers. */
function wholeOf(state: IState): Result<IWhole> {
  const [jsonLength, ...lengths] = state.parts;
  let data: unknown;
  try {
    data = JSON.parse(
      new TextDecoder().decode(state.bytes.subarray(0, jsonLength))
    );
  } catch (e) {
    return fail(
      `transfer ${state.transfer}: its data is not JSON (${(e as Error).message})`
    );
  }
  if (!isObject(data)) {
    return fail(`transfer ${state.transfer}: its data is not a JSON object`);
  }
  const buffers: DataView[] = [];
  let offset = jsonLength;
  for (const length of lengths) {
    buffers.push(new DataView(state.bytes.buffer, offset, length));
    offset += length;
  }
  return ok({ data, buffers });
}
