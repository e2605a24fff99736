/**
 * One model per comm: its state, whether it is still connected, the last error, and the
 * messages received. Views only read the model and call its methods, so every view of a comm
 * shows the same thing whichever view (or the kernel) changed it.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';
import { closeReason } from '../kernel/protocol';
import { OutputHistory, outputOf } from '../outputs/outputs';
import { IJSONObject, isObject, JSONValue, Result } from '../util/json';
import { reducerFor } from '../widgets';
import type { IMessageOrigin } from '../widgets/api';
import { IIncomingMessage, IWidgetModel, Reducer } from '../widgets/api';
import type { Buffers } from '../widgets/contract';

/**
 * Where the iopub output caused by one sent message arrives (a kernel future fits). A
 * transport returns one from `send` when it can tell which output a message caused.
 */
export interface IOutputChannel {
  onIOPub: (msg: KernelMessage.IIOPubMessage) => void;
}

/** The two things a model needs from a comm; a seam so tests run without a kernel. */
export interface ICommTransport {
  send(data: JSONValue, buffers?: Buffers): IOutputChannel | void;
  close(data?: JSONValue): void;
}

export interface ICommModelOptions {
  commId: string;
  targetName: string;
  kernelId: string;
  /** null creates a model that is disconnected from the start (e.g. a dead comm on reload). */
  transport: ICommTransport | null;
  state?: IJSONObject;
  /** Why the model is disconnected when transport is null. */
  reason?: string;
  /** Default: the reducer of the target in the widget table (src/widgets/index.ts). */
  reducer?: Reducer;
}

const LOG_LIMIT = 200; // received messages kept for display, so memory stays bounded

export class CommModel implements IWidgetModel {
  readonly commId: string;
  readonly targetName: string;
  readonly kernelId: string;

  constructor(options: ICommModelOptions) {
    this.commId = options.commId;
    this.targetName = options.targetName;
    this.kernelId = options.kernelId;
    this._transport = options.transport;
    this._state = options.state ?? {};
    this._reason = options.transport ? '' : (options.reason ?? 'Not connected');
    this._reducer = options.reducer ?? reducerFor(options.targetName);
  }

  /** Emitted after any change of state, connection, error, log or output. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get state(): IJSONObject {
    return this._state;
  }

  get connected(): boolean {
    return this._transport !== null;
  }

  /** Why the model is not connected; empty while connected. */
  get reason(): string {
    return this._reason;
  }

  /** The last rejected message, cleared by the next accepted one. */
  get error(): string | null {
    return this._error;
  }

  /** The newest received messages (at most 200). */
  get log(): ReadonlyArray<JSONValue> {
    return this._log;
  }

  /** Messages received in all (each of a batch, a close with data), more than `log` keeps. */
  get received(): number {
    return this._received;
  }

  /** What kernel handlers printed, displayed or raised for the messages sent on this comm. */
  get outputs(): OutputHistory {
    return this._outputs;
  }

  /**
   * Collects the output the kernel publishes for one sent message. `source` is the view that
   * sent it, so that view shows the output under itself; null shows it in every view.
   */
  captureOutput(channel: IOutputChannel, source: object | null = null): void {
    const id = this._outputs.begin();
    channel.onIOPub = msg => {
      const output = outputOf(msg);
      if (output) {
        this._outputs.add(id, source, output);
        this._changed.emit();
      }
    };
  }

  /** Forgets the output shown to `source` (every output when omitted). */
  clearOutputs(source?: object): void {
    this._outputs.clear(source);
    this._changed.emit();
  }

  get messageReceived(): ISignal<this, IIncomingMessage> {
    return this._incoming;
  }

  /** Applies a message from the kernel. Never throws: a bad message becomes `error`. */
  handleMessage(data: unknown): void {
    this.handleMessages([data]);
  }

  /** Applies messages (a batch: one parent, one `origin`) in order, notifies once, emits each. */
  handleMessages(
    messages: ReadonlyArray<unknown>,
    buffers: ReadonlyArray<ReadonlyArray<DataView>> = [],
    origin?: IMessageOrigin
  ): void {
    if (!messages.length) {
      return;
    }
    messages.forEach(data => this._apply(data, origin));
    this._changed.emit();
    messages.forEach((data, index) => {
      if (isObject(data)) {
        this._incoming.emit({ data, buffers: buffers[index] ?? [] });
      }
    });
  }

  /** A wire message that could not be read at all (a malformed batch): shown as `error`. */
  rejectMessage(error: string): void {
    this._error = error;
    this._changed.emit();
  }

  /** The kernel closed the comm; its `reason` (if any) is shown. */
  handleClose(data: unknown): void {
    if (!this.connected) {
      // Our own close() echoes back through the comm's onClose; nothing new to show.
      return;
    }
    if (data !== undefined && data !== null) {
      this._record(data);
    }
    this.disconnect(closeReason(data));
  }

  /** A change made in a view; the caller decides what (if anything) to send. */
  setState(patch: IJSONObject): void {
    this._state = { ...this._state, ...patch };
    this._changed.emit();
  }

  /**
   * Sends to the kernel; returns false (and sends nothing) when disconnected or failing. The
   * output the kernel's handler produces for it is kept for `source` (see captureOutput).
   */
  send(
    data: IJSONObject,
    source: object | null = null,
    buffers?: Buffers
  ): boolean {
    if (!this._transport) {
      return false;
    }
    try {
      const channel = this._transport.send(data, buffers);
      if (channel) {
        this.captureOutput(channel, source);
      }
      return true;
    } catch (e) {
      this.disconnect(`Could not send: ${e}`);
      return false;
    }
  }

  /** Closes the comm from the frontend. */
  close(): void {
    const transport = this._transport;
    this.disconnect('Closed from the frontend');
    try {
      transport?.close();
    } catch {
      // The kernel connection is already gone; the comm is closed either way.
    }
  }

  /** Marks the model disconnected for good; later calls keep the first reason. */
  disconnect(reason: string): void {
    if (!this._transport && this._reason) {
      return;
    }
    this._transport = null;
    this._reason = reason;
    this._changed.emit();
  }

  private _apply(data: unknown, origin?: IMessageOrigin): void {
    this._record(data);
    let result: Result<IJSONObject>;
    try {
      result = this._reducer(this._state, data, origin);
    } catch (e) {
      result = { ok: false, error: `Could not handle message: ${e}` };
    }
    if (result.ok) {
      this._state = result.value;
      this._error = null;
    } else {
      this._error = result.error;
    }
  }

  private _record(data: unknown): void {
    this._received += 1;
    this._log.push(data as JSONValue);
    if (this._log.length > LOG_LIMIT) {
      this._log.splice(0, this._log.length - LOG_LIMIT);
    }
  }

  private _transport: ICommTransport | null;
  private _state: IJSONObject;
  private _reason: string;
  private _error: string | null = null;
  private _log: JSONValue[] = [];
  private _received = 0;
  private _outputs = new OutputHistory();
  private _reducer: Reducer;
  private _changed = new Signal<this, void>(this);
  private _incoming = new Signal<this, IIncomingMessage>(this);
}
