/**
 * Per-second traffic of one comm, for its rate and its sparkline: messages and bytes counted in
 * one-second buckets, the last `span` seconds kept. Pure: times come from the caller.
 */
const SECOND = 1000;

interface IBucket {
  msgs: number;
  bytes: number;
}

export class RateMeter {
  constructor(span = 60) {
    this._span = span;
  }

  /** Counts one message of `bytes` at `time` (ms since the epoch). */
  add(time: number, bytes: number): void {
    const second = Math.floor(time / SECOND);
    let bucket = this._buckets.get(second);
    if (!bucket) {
      bucket = { msgs: 0, bytes: 0 };
      this._buckets.set(second, bucket);
      this._prune(second);
    }
    bucket.msgs += 1;
    bucket.bytes += bytes;
  }

  /** Messages per second over the last `span` seconds up to `now`'s second, oldest first. */
  series(now: number, span = this._span): number[] {
    const last = Math.floor(now / SECOND);
    const out: number[] = [];
    for (let second = last - span + 1; second <= last; second++) {
      out.push(this._buckets.get(second)?.msgs ?? 0);
    }
    return out;
  }

  /**
   * Messages and bytes per second, averaged over the `seconds` whole seconds before `now`'s
   * (the current second is still filling, so it would read low).
   */
  rate(now: number, seconds = 5): { msgs: number; bytes: number } {
    const current = Math.floor(now / SECOND);
    let msgs = 0;
    let bytes = 0;
    for (let second = current - seconds; second < current; second++) {
      const bucket = this._buckets.get(second);
      msgs += bucket?.msgs ?? 0;
      bytes += bucket?.bytes ?? 0;
    }
    return { msgs: msgs / seconds, bytes: bytes / seconds };
  }

  private _prune(newest: number): void {
    for (const second of this._buckets.keys()) {
      if (second <= newest - this._span) {
        this._buckets.delete(second);
      }
    }
  }

  private _span: number;
  private _buckets = new Map<number, IBucket>();
}
