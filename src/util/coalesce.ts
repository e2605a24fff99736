/**
 * Latest-value-wins coalescing of user input into kernel messages.
 *
 * A drag fires far more input events than the kernel (and jupyter_server's iopub rate limit)
 * can take, and only the newest value matters. So at most one value goes out per animation
 * frame. The first value after a quiet frame goes out at once (a single key press or click
 * pays no frame of latency); values that arrive while a frame is still running are held, and
 * the newest one is sent when the frame fires, so the value where the user stops is never lost.
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

  /** Whether a value is held for the next frame. */
  get pending(): boolean {
    return this._latest !== null;
  }

  /** Sends a value now if nothing went out this frame, else holds it (replacing any held one). */
  push(value: T): void {
    if (this._disposed) {
      return;
    }
    if (this._frameBusy) {
      this._latest = { value };
      return;
    }
    this._send(value);
    this._holdUntilNextFrame();
  }

  /** Sends the held value now (e.g. before the view goes away). */
  flush(): void {
    const latest = this._latest;
    this._latest = null;
    if (latest && !this._disposed) {
      this._send(latest.value);
    }
  }

  /** Sends what is held, then ignores everything. */
  dispose(): void {
    this.flush();
    this._disposed = true;
  }

  private _holdUntilNextFrame(): void {
    this._frameBusy = true;
    this._scheduler.request(() => this._onFrame());
  }

  private _onFrame(): void {
    this._frameBusy = false;
    if (this._latest && !this._disposed) {
      this.flush();
      this._holdUntilNextFrame();
    }
  }

  private _send: (value: T) => void;
  private _scheduler: IScheduler;
  /** Boxed so that any T (including undefined) can be held. */
  private _latest: { value: T } | null = null;
  /** A value went out since the last frame, so the next one waits for the frame. */
  private _frameBusy = false;
  private _disposed = false;
}
