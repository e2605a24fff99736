/**
 * How big the page's next chunk is, and how many of its chunks may be in flight
 * (docs/chunking.md §3, "Adaptive pacing"). Mirrors python/ipycomm/chunks/pace.py.
 *
 * Alone, a transfer starts at the kernel's chunk size with WINDOW in flight: each message has
 * a fixed cost, so big chunks go fastest. Each chunk the kernel takes measures the rate its
 * bytes went at (its size over the time from its send, or from the idle of the chunk ahead of
 * it if that came later, to its own idle). While that rate holds up,
 * each chunk doubles the one before, up to MAX_CHUNK_SIZE; when it falls under SLOWER of the
 * best recent rate for two chunks in a row, the round trip grew without the bytes moving
 * faster (they queue), and the next chunk is half the last, down to the shared size.
 *
 * Once the page sends anything else (a comm message, an execute or kernel_info request), that
 * waits behind the chunks in flight at the kernel's shell, so for SHARED_FOR_MS after it the
 * transfer keeps one chunk of at most SHARED_CHUNK_SIZE in flight; then it starts afresh.
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
  /** Where chunks start (the kernel's chunk size); the fixed format keeps to it. */
  start: number;
  adaptive: boolean;
  /** How many other messages the page has sent so far. */
  others(): number;
  now?(): number;
}

export class Pace {
  constructor(options: IPaceOptions) {
    this._options = options;
    this._seen = options.others();
  }

  /** The pace's clock, in milliseconds. */
  now(): number {
    return (this._options.now ?? (() => performance.now()))();
  }

  /**
   * A chunk of `size` bytes, sent at `sent` (this pace's clock), was taken now. Its rate is its
   * size over the time the link spent on it: from the later of its send and the chunk before
   * it being taken (the chunk ahead had the link until then) to now.
   */
  taken(size: number, sent: number): void {
    const now = this.now();
    const rate = size / Math.max(now - Math.max(sent, this._lastTaken), 1e-3);
    this._lastTaken = now;
    this._best = Math.max(rate, this._best * FORGET);
    this._grow = rate >= this._best * HOLDS;
    // Two slow chunks in a row, not one: a single pause (a collection, a busy core) is noise.
    this._slow = rate < this._best * SLOWER ? this._slow + 1 : 0;
    if (this._slow >= 2) {
      this._size = Math.max(this._floor(), Math.floor(this._size / 2));
      this._slow = 0;
    }
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
    const { start, adaptive } = this._options;
    if (!adaptive) {
      return start;
    }
    const shared = this.shared();
    const wasShared = this._wasShared;
    this._wasShared = shared;
    if (shared) {
      this._size = this._floor();
    } else if (wasShared || !this._size) {
      // Alone again: small chunks measured nothing about big ones; start afresh.
      this._best = 0;
      this._grow = true;
      this._slow = 0;
      this._size = start;
    } else if (this._grow) {
      this._size = Math.max(start, Math.min(this._size * 2, MAX_CHUNK_SIZE));
    }
    return this._size;
  }

  private _floor(): number {
    return Math.min(this._options.start, SHARED_CHUNK_SIZE);
  }

  private _options: IPaceOptions;
  private _seen: number;
  private _since = -Infinity;
  private _size = 0;
  /** The best recent rate, in bytes per millisecond, and whether the next chunk may grow. */
  private _best = 0;
  private _grow = true;
  private _slow = 0;
  private _wasShared = false;
  private _lastTaken = -Infinity;
}
