/**
 * Latest-value-wins coalescing of user input into kernel messages.
 *
 * A drag fires far more input events than the kernel (and jupyter_server's iopub rate limit)
 * can take, and only the newest value matters. So at most one value goes out per animation
 * frame; the value pending when the frame fires is always sent, which means the value where
 * the user stops is never lost.
 */

/** Runs a callback "at the next frame"; injectable so tests control time. */
export interface IScheduler {
  request(callback: () => void): void;
}

/**
 * requestAnimationFrame, except in a hidden tab where browsers pause it: a timer there keeps
 * the final value of a keyboard change from waiting until the tab is shown again.
 */
export const frameScheduler: IScheduler = {
  request: callback => {
    const hidden = typeof document !== 'undefined' && document.hidden;
    if (hidden || typeof requestAnimationFrame === 'undefined') {
      setTimeout(callback, 16);
    } else {
      requestAnimationFrame(() => callback());
    }
  }
};

export class Coalescer<T> {
  constructor(
    send: (value: T) => void,
    scheduler: IScheduler = frameScheduler
  ) {
    this._send = send;
    this._scheduler = scheduler;
  }

  /** Whether a value is waiting for the next frame. */
  get pending(): boolean {
    return this._pending;
  }

  /** Queues a value; it replaces any value not yet sent. */
  push(value: T): void {
    this._latest = { value };
    if (!this._pending && !this._disposed) {
      this._pending = true;
      this._scheduler.request(() => this._onFrame());
    }
  }

  /** Sends the pending value now (e.g. before the view goes away). */
  flush(): void {
    const latest = this._latest;
    this._latest = null;
    if (latest && !this._disposed) {
      this._send(latest.value);
    }
  }

  /** Sends what is pending, then ignores everything. */
  dispose(): void {
    this.flush();
    this._disposed = true;
  }

  private _onFrame(): void {
    this._pending = false;
    this.flush();
  }

  private _send: (value: T) => void;
  private _scheduler: IScheduler;
  /** Boxed so that any T (including undefined) can be pending. */
  private _latest: { value: T } | null = null;
  private _pending = false;
  private _disposed = false;
}
