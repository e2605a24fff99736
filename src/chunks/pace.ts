/**
 * How big the page's next chunk is, and how many of its chunks may be in flight
 * (docs/chunking.md §3, "Adaptive pacing"). Mirrors python/ipycomm/chunks/pace.py.
 *
 * Alone, a transfer goes in chunks of MAX_CHUNK_SIZE with WINDOW in flight: each message has a
 * fixed cost, so big chunks go fastest. Each chunk the kernel takes measures the rate its bytes
 * went at (its size over the time from its send, or from the idle of the chunk ahead of it if
 * that came later, to its own idle). When that rate falls under SLOWER of the best recent rate
 * for two chunks in a row, the round trip grew without the bytes moving faster (they queue),
 * and the next chunk is half the last, down to the shared size; while it holds up (HOLDS of
 * the best), each chunk is twice the one before, back up to the largest.
 *
 * Once the page sends anything else (a comm message, an execute or kernel_info request), that
 * waits behind the chunks in flight at the kernel's shell, so for SHARED_FOR_MS after it the
 * transfer keeps one chunk of at most SHARED_CHUNK_SIZE (or the kernel's chunk size, if
 * smaller) in flight; then it starts afresh.
 */

/** Chunks in flight at most. */
export const WINDOW = 2;
/** The largest chunk: well under jupyter_server's 10 MiB websocket limit. */
export const MAX_CHUNK_SIZE = 8 * 1024 * 1024;
/** The largest chunk while the page sends other messages too. */
export const SHARED_CHUNK_SIZE = 256 * 1024;
/** How long after the page's last other message a transfer keeps to the shared pace. */
export const SHARED_FOR_MS = 500;
/** Under this share of the best recent rate a chunk is slow; at this share it lets chunks grow. */
export const SLOWER = 0.5;
export const HOLDS = 0.8;
/** How fast the best rate forgets, per chunk taken (the link may have become slower). */
export const FORGET = 0.9;

export interface IPaceOptions {
  /** The kernel's chunk size: the fixed format's, and a cap on shared chunks. */
  chunkSize: number;
  adaptive: boolean;
  /** How many other messages the page has sent so far. */
  others(): number;
  now?(): number;
}

export class Pace {
  constructor(options: IPaceOptions) {
    this._options = options;
    this._seen = options.others();
    this._floor = Math.min(options.chunkSize, SHARED_CHUNK_SIZE);
  }

  /** The pace's clock, in milliseconds. */
  now(): number {
    return (this._options.now ?? (() => performance.now()))();
  }

  /** Whether the page sent anything else within the last SHARED_FOR_MS. */
  shared(): boolean {
    const seen = this._options.others();
    const now = this.now();
    if (seen !== this._seen) {
      this._seen = seen;
      this._since = now;
    }
    return now - this._since < SHARED_FOR_MS;
  }

  /** How many chunks may be in flight. */
  ahead(): number {
    return this._options.adaptive && this.shared() ? 1 : WINDOW;
  }

  /** The size of the next chunk. */
  nextSize(): number {
    if (!this._options.adaptive) {
      return this._options.chunkSize;
    }
    const shared = this.shared();
    const wasShared = this._wasShared;
    this._wasShared = shared;
    if (shared) {
      this._size = this._floor;
    } else if (wasShared || !this._size) {
      this._afresh(); // small chunks measured nothing about big ones
      this._size = MAX_CHUNK_SIZE;
    } else if (this._grow) {
      this._size = Math.min(this._size * 2, MAX_CHUNK_SIZE);
    }
    return this._size;
  }

  /** A chunk of `size` bytes, sent at `sent` (this pace's clock), was taken now. */
  taken(size: number, sent: number): void {
    const now = this.now();
    const rate = size / Math.max(now - Math.max(sent, this._lastTaken), 1e-3);
    this._lastTaken = now;
    this._best = Math.max(rate, this._best * FORGET);
    this._grow = rate >= this._best * HOLDS;
    // Two slow chunks in a row, not one: a single pause (a collection, a busy core) is noise.
    this._slow = rate < this._best * SLOWER ? this._slow + 1 : 0;
    if (this._slow >= 2) {
      this._size = Math.max(this._floor, Math.floor(this._size / 2));
      this._slow = 0;
    }
  }

  private _afresh(): void {
    this._best = 0;
    this._grow = true;
    this._slow = 0;
    this._lastTaken = -Infinity;
  }

  private _options: IPaceOptions;
  private _floor: number;
  private _seen: number;
  private _since = -Infinity;
  private _size = 0;
  private _wasShared = false;
  /** The best recent rate (bytes per millisecond), whether the next chunk may grow, how many
   * slow chunks in a row, and when the last chunk was taken. */
  private _best = 0;
  private _grow = true;
  private _slow = 0;
  private _lastTaken = -Infinity;
}
