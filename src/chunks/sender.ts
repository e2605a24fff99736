/**
 * Sends one chunked message to the kernel (docs/chunking.md §2–4), page side: at most WINDOW
 * chunks in flight, the next one sent when the kernel's idle status for an earlier one comes
 * back, progress as the bytes the kernel has taken.
 *
 * Every chunk goes to the shell (or subshell) the original message goes to, so one shell
 * handles them in order. The idle is then only the pacing signal: that shell takes the chunks
 * in order whether or not the idle comes, and iopub can drop an idle on a loaded machine. A
 * chunk with no idle after ACK_TIMEOUT_MS therefore counts as taken, so a lost idle slows a
 * transfer instead of holding it (and the comm's later messages, which wait behind it)
 * forever.
 *
 * The last chunk is the original message (its msg_id, so its caller's future completes as if
 * the message had gone whole). A transfer that stops early sends a cancel notice under the
 * original header instead, so the kernel drops its partial message and the caller's future
 * still completes: ipywidgets, for one, waits for that idle before it sends again.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { chunkData, IPayload } from './format';
import { Pace } from './pace';
import { chunkCount, IChunk, Slicer } from './splitter';

export { WINDOW } from './pace';

/** How long a chunk waits for its idle before it counts as taken. */
export const ACK_TIMEOUT_MS = 10_000;

type CommMsg = KernelMessage.ICommMsgMsg;

export interface ISenderDeps {
  /** Puts a message on the websocket, bypassing chunking. */
  send(msg: KernelMessage.IMessage): void;
  /** A fresh comm_msg on the comm with this data and buffers. */
  create(data: CommMsg['content']['data'], buffers: ArrayBuffer[]): CommMsg;
  /** Resolves when the kernel reports idle for the message; rejects if it never will. */
  idle(msgId: string): Promise<void>;
  /** The kernel has taken `done` bytes. */
  progress(done: number): void;
  /** Default ACK_TIMEOUT_MS. */
  ackTimeoutMs?: number;
  /** Where a missing idle is reported, once per transfer; default console.warn. */
  warn?(message: string): void;
}

export class ChunkSender {
  /** `pace`: a fixed chunk size (the fixed format), or an adaptive pace. */
  constructor(
    original: CommMsg,
    payload: IPayload,
    pace: number | Pace,
    transfer: string,
    deps: ISenderDeps
  ) {
    this._original = original;
    const fixed = typeof pace === 'number';
    this._pace = fixed
      ? new Pace({ chunkSize: pace, adaptive: false, others: () => 0 })
      : pace;
    const count = fixed ? chunkCount(payload.size, pace) : undefined;
    this._slicer = new Slicer(payload, transfer, count);
    this._transfer = transfer;
    this._deps = deps;
  }

  get transfer(): string {
    return this._transfer;
  }

  /**
   * Sends every chunk; resolves once the kernel has taken the last (true), or the transfer
   * stopped (false).
   */
  async run(): Promise<boolean> {
    const inFlight = new Map<number, Promise<void>>();
    for (let index = 0; !this._slicer.exhausted && !this._stopped; index++) {
      while (inFlight.size >= this._pace.ahead()) {
        await this._settleOldest(inFlight);
        if (this._stopped) {
          return false;
        }
      }
      const chunk = this._slicer.take(this._pace.nextSize());
      inFlight.set(index, this._sendChunk(index, chunk));
    }
    while (inFlight.size > 0 && !this._stopped) {
      await this._settleOldest(inFlight);
    }
    return !this._stopped;
  }

  /** Stops before the last chunk (cancelled, refused, the comm closed); false if too late. */
  stop(): boolean {
    if (this._stopped || this._lastSent) {
      return false;
    }
    this._stopped = true;
    // A stopped transfer waits for no idle: run() ends now, and no timer keeps the payload.
    this._waits.forEach(wait => wait());
    this._waits.clear();
    const notice = chunkData({ transfer: this._transfer, cancel: true });
    const msg: CommMsg = {
      ...this._original,
      content: { ...this._original.content, data: notice },
      buffers: []
    };
    try {
      this._deps.send(msg);
    } catch {
      // The connection is gone: so is the kernel's partial message.
    }
    return true;
  }

  get stopped(): boolean {
    return this._stopped;
  }

  private _sendChunk(index: number, chunk: IChunk): Promise<void> {
    const data = chunkData({ ...chunk.header });
    const last = this._slicer.exhausted;
    const msg: CommMsg = last
      ? {
          ...this._original,
          content: { ...this._original.content, data },
          buffers: [chunk.slice]
        }
      : this._onOriginalShell(this._deps.create(data, [chunk.slice]));
    this._lastSent = last;
    this._deps.send(msg);
    const done = this._slicer.offset;
    const sent = this._pace.now();
    const taken = this._taken(index, msg.header.msg_id).then(() => {
      this._pace.taken(chunk.slice.byteLength, sent);
      if (!this._stopped) {
        this._deps.progress(done);
      }
    });
    // run() stops at the first chunk the kernel will not take, and awaits no later one.
    taken.catch(() => undefined);
    return taken;
  }

  /**
   * A chunk goes to the shell the original goes to (JupyterLab sends a comm's messages to its
   * subshell): one shell handles them in the order sent, and the kernel takes them only so.
   */
  private _onOriginalShell(msg: CommMsg): CommMsg {
    const subshell = this._original.header.subshell_id;
    return subshell
      ? { ...msg, header: { ...msg.header, subshell_id: subshell } }
      : msg;
  }

  /**
   * Resolves on the chunk's idle, or once ACK_TIMEOUT_MS passed without it; rejects if the
   * idle never will come (the kernel restarted, the connection went away).
   */
  private _taken(index: number, msgId: string): Promise<void> {
    const ms = this._deps.ackTimeoutMs ?? ACK_TIMEOUT_MS;
    let wait: (() => void) | undefined;
    const late = new Promise<void>(resolve => {
      const timer = setTimeout(() => {
        this._warnLate(index, ms);
        resolve();
      }, ms);
      wait = () => {
        clearTimeout(timer);
        resolve();
      };
      this._waits.add(wait);
    });
    return Promise.race([this._deps.idle(msgId), late]).finally(() => {
      wait?.();
      this._waits.delete(wait!);
    });
  }

  private _warnLate(index: number, ms: number): void {
    if (this._warnedLate || this._stopped) {
      return;
    }
    this._warnedLate = true;
    const warn = this._deps.warn ?? (message => console.warn(message));
    warn(
      `ipycomm: no idle status from the kernel for chunk ${index} of transfer ` +
        `${this._transfer} after ${ms / 1000} s; it counts as taken and the transfer ` +
        'goes on (the kernel receives chunks in order; only the pacing signal was lost)'
    );
  }

  private async _settleOldest(
    inFlight: Map<number, Promise<void>>
  ): Promise<void> {
    const [index, oldest] = inFlight.entries().next().value as [
      number,
      Promise<void>
    ];
    inFlight.delete(index);
    try {
      await oldest;
    } catch {
      // The kernel will never report idle (it restarted, the connection went away).
      this._stopped = true;
    }
  }

  private _original: CommMsg;
  private _slicer: Slicer;
  private _pace: Pace;
  private _transfer: string;
  private _deps: ISenderDeps;
  private _stopped = false;
  private _lastSent = false;
  private _warnedLate = false;
  /** Ends the wait of each chunk in flight, without its idle. */
  private _waits = new Set<() => void>();
}
