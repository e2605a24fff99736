/**
 * Whether the kernel reassembles chunked messages, and with what chunk size and limit
 * (docs/chunking.md §1): asked once per kernel process through a comm_info_request, whose
 * reply from an ipycomm kernel carries an `ipycomm` key. A kernel that does not answer with it
 * gets every message whole, as the stock stack sends it.
 */
import { isObject } from '../util/json';
import { FIXED } from './format';

export interface ICapability {
  chunkSize: number;
  maxMessageSize: number;
  /** The chunk formats the kernel reassembles: FIXED, or ADAPTIVE too (format.ts). */
  chunkFormat: number;
}

/** The capability in a comm_info_reply's content, or null when the kernel has none. */
export function parseCapability(reply: unknown): ICapability | null {
  const info = isObject(reply) ? reply.ipycomm : undefined;
  if (!isObject(info)) {
    return null;
  }
  const {
    chunk_size: chunkSize,
    max_message_size: maxMessageSize,
    chunk_format: format
  } = info;
  const positive = (n: unknown): n is number =>
    typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
  // A kernel of an earlier ipycomm says no chunk_format: it reads the fixed format only.
  const chunkFormat = positive(format) ? format : FIXED;
  return positive(chunkSize) && positive(maxMessageSize)
    ? { chunkSize, maxMessageSize, chunkFormat }
    : null;
}

export class Negotiation {
  /** `ask` sends a comm_info_request and resolves with its reply's content. */
  constructor(ask: () => Promise<unknown>) {
    this._ask = ask;
  }

  /** What the current kernel said: undefined while unknown, null for "not chunking". */
  get current(): ICapability | null | undefined {
    return this._current;
  }

  /** Asks the kernel unless it is already asked or known. */
  resolve(): Promise<ICapability | null> {
    if (this._current !== undefined) {
      return Promise.resolve(this._current);
    }
    if (!this._pending) {
      const generation = this._generation;
      const settle = (capability: ICapability | null, known: boolean) => {
        if (generation === this._generation) {
          this._current = known ? capability : undefined;
          this._pending = null;
        }
        return capability;
      };
      // No answer (the request was dropped by a restart): ask again next time.
      this._pending = this._ask().then(
        reply => settle(parseCapability(reply), true),
        () => settle(null, false)
      );
    }
    return this._pending;
  }

  /** A new kernel process: forget what the last one said, and ask the new one. */
  reset(): void {
    this._generation += 1;
    this._current = undefined;
    this._pending = null;
  }

  private _ask: () => Promise<unknown>;
  private _current: ICapability | null | undefined = undefined;
  private _pending: Promise<ICapability | null> | null = null;
  private _generation = 0;
}
