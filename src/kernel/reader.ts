/**
 * Flow control, reader side (docs/flow-control.md §1–2): one reader per kernel connection
 * watches the `seq` the kernel puts on its comm messages and grants the kernel credit on the
 * control channel, so the kernel never sends more than this reader has taken plus a window
 * (instead of losing the excess on the way, as the stock stack does).
 *
 * Mirrors CommReader in python/ipycomm/edges/reader.py (the reader for jupyter_client). The
 * kernel side is the writer, Outbox in python/ipycomm/flow/outbox.py, which keeps each
 * reader's credit in python/ipycomm/flow/readers.py.
 *
 * It counts as taken what the connection has handled: `iopubMessage` fires after the
 * connection has delivered the message to its comm.
 */
import { KernelMessage } from '@jupyterlab/services';
import type { ISignal } from '@lumino/signaling';
import { CREDIT_MSG_TYPE, ICreditContent, seqOf } from './protocol';

/**
 * How many wire messages a reader accepts beyond the last one it has taken (the kernel caps
 * it at MAX_WINDOW in python/ipycomm/flow/wire.py).
 */
const CREDIT_WINDOW = 256;

export interface ICommReaderOptions {
  /** Unique per reader: the kernel connection's clientId. */
  reader: string;
  /** The targets whose comms this reader's models unpack batches for. */
  batchTargets: ReadonlyArray<string>;
  /** Sends one credit to the kernel; may throw (e.g. the kernel is dead). */
  send: (content: ICreditContent) => void;
  window?: number;
  /** Where lost messages are reported; console.warn by default. */
  warn?: (message: string) => void;
  /** The reader reassembles chunked messages (docs/chunking.md §1). */
  chunks?: boolean;
}

/**
 * The credit state of one reader, fed with the seq of every message the kernel sent. Sends a
 * credit on the first seq (which registers the reader), then whenever seq has advanced by
 * window / 4 since the last credit, and a closing one on `close()`. A seq that does not go up
 * comes from a new kernel process: the reader starts over and registers again.
 *
 * Credits follow seq rather than a count of messages received, so messages lost on the way
 * (reported once per gap) cannot leave the kernel waiting for a credit that never comes.
 * Never throws: a credit that could not be sent is tried again with the next message.
 */
export class CommReader {
  constructor(options: ICommReaderOptions) {
    this._reader = options.reader;
    this._batchTargets = [...options.batchTargets];
    this._send = options.send;
    this._window = options.window ?? CREDIT_WINDOW;
    this._step = Math.max(1, Math.floor(this._window / 4));
    this._warn = options.warn ?? (message => console.warn(message));
    this._chunks = options.chunks ?? false;
  }

  /** The highest seq taken from the current kernel process, or null before the first. */
  get seq(): number | null {
    return this._last;
  }

  /** How many messages were lost on the way (gaps in seq), over the reader's life. */
  get lost(): number {
    return this._lost;
  }

  get isClosed(): boolean {
    return this._closed;
  }

  /**
   * The kernel sent (and the connection handled) the message numbered `seq`. `urgent` (a
   * chunk: the kernel sends the next ones only as chunks are taken) credits at once.
   */
  receive(seq: number, urgent = false): void {
    if (this._closed) {
      return;
    }
    const last = this._last;
    if (last === null || seq <= last) {
      this._last = seq;
      this._credited = null;
    } else {
      if (seq > last + 1) {
        this._reportGap(last, seq);
      }
      this._last = seq;
    }
    if (
      urgent ||
      this._credited === null ||
      seq - this._credited >= this._step
    ) {
      this._credit(false);
    }
  }

  /** The reader goes away: tells the kernel to forget it (if it ever registered). */
  close(): void {
    if (this._closed) {
      return;
    }
    this._closed = true;
    if (this._last !== null) {
      this._credit(true);
    }
  }

  private _credit(closing: boolean): void {
    const seq = this._last ?? 0;
    try {
      this._send({
        reader: this._reader,
        seq,
        window: this._window,
        batch_targets: [...this._batchTargets],
        closing,
        chunks: this._chunks,
        // Reassembling pages read the adaptive format (src/chunks/format.ts, ADAPTIVE).
        ...(this._chunks ? { chunk_format: 2 } : {})
      });
      this._credited = seq;
    } catch (e) {
      this._safeWarn(`ipycomm: could not send a credit to the kernel: ${e}`);
    }
  }

  private _reportGap(last: number, seq: number): void {
    const missing = seq - last - 1;
    this._lost += missing;
    this._safeWarn(
      `ipycomm: ${missing} message(s) from the kernel were lost on the way ` +
        `(seq ${last} was followed by ${seq}); ${this._lost} lost in all`
    );
  }

  private _safeWarn(message: string): void {
    try {
      this._warn(message);
    } catch {
      // Reporting must not break the connection's message handling either.
    }
  }

  private _reader: string;
  private _batchTargets: string[];
  private _send: (content: ICreditContent) => void;
  private _window: number;
  private _step: number;
  private _warn: (message: string) => void;
  private _last: number | null = null;
  private _credited: number | null = null;
  private _lost = 0;
  private _closed = false;
  private _chunks: boolean;
}

/** The parts of a kernel connection flow control uses. */
export interface IFlowKernel {
  readonly clientId: string;
  readonly username: string;
  readonly iopubMessage: ISignal<unknown, KernelMessage.IIOPubMessage>;
  readonly disposed: ISignal<unknown, void>;
  sendControlMessage(
    msg: KernelMessage.IControlMessage,
    expectReply?: boolean,
    disposeOnDone?: boolean
  ): { dispose(): void };
}

/**
 * Sends an `ipycomm_credit` on the control channel (served even while a cell runs). No reply
 * comes, so the future is dropped at once rather than kept until the kernel's idle status.
 */
function sendCredit(kernel: IFlowKernel, content: ICreditContent): void {
  // Not one of @jupyterlab/services' control message types; the connection sends it as is.
  const msg = KernelMessage.createMessage({
    channel: 'control',
    msgType: CREDIT_MSG_TYPE,
    session: kernel.clientId,
    username: kernel.username,
    content
  } as unknown as KernelMessage.IOptions<KernelMessage.IInterruptRequestMsg>) as KernelMessage.IControlMessage;
  kernel.sendControlMessage(msg, false, true).dispose();
}

/** Where the page says it goes away (window in the browser). */
export interface IPageEvents {
  addEventListener(type: 'pagehide', listener: (event: Event) => void): void;
  removeEventListener(type: 'pagehide', listener: (event: Event) => void): void;
}

export interface IWatchCreditsOptions extends Partial<ICommReaderOptions> {
  /** The reader also closes when the page goes away for good (a reload); null: never. */
  page?: IPageEvents | null;
}

/**
 * Makes a kernel connection a flow-control reader: credits for what it handles, a closing
 * credit when the connection is disposed or the page unloads (else the kernel would hold
 * messages back for a reader that is gone, until its 60 s timeout). Returns the reader.
 */
export function watchCredits(
  kernel: IFlowKernel,
  batchTargets: ReadonlyArray<string>,
  options: IWatchCreditsOptions = {}
): CommReader {
  const { page = typeof window === 'undefined' ? null : window, ...rest } =
    options;
  const reader = new CommReader({
    reader: kernel.clientId,
    batchTargets,
    send: content => sendCredit(kernel, content),
    ...rest
  });
  const onIOPub = (_: unknown, msg: KernelMessage.IIOPubMessage) => {
    // Lumino would catch and log a throw; catching it here says where it came from.
    try {
      const seq = seqOf(msg.metadata);
      if (seq !== null) {
        reader.receive(seq);
      }
    } catch (e) {
      console.warn('ipycomm: flow control failed on a message', e);
    }
  };
  const onPageHide = (event: Event) => {
    // A page kept in the back/forward cache may come back; its reader stays.
    if (!(event as PageTransitionEvent).persisted) {
      reader.close();
    }
  };
  kernel.iopubMessage.connect(onIOPub);
  page?.addEventListener('pagehide', onPageHide);
  kernel.disposed.connect(() => {
    kernel.iopubMessage.disconnect(onIOPub);
    page?.removeEventListener('pagehide', onPageHide);
    reader.close();
  });
  return reader;
}
