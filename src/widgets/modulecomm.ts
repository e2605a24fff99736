/**
 * The `comm` a view's module gets (IModuleComm in contract.ts): one per view, over the comm's
 * shared model. It sends through the model, so what the kernel's handlers print or raise shows
 * under this view; it hands the module the kernel's messages without the request/reply ones,
 * answers the kernel's requests with the module's handler, and waits for its own requests'
 * replies (src/comms/rpc.ts).
 */
import { UUID } from '@lumino/coreutils';
import {
  CommClosedError,
  payloadOf,
  PendingRequests,
  RequestError,
  RpcHeader,
  rpcMessage,
  rpcOf
} from '../comms/rpc';
import { STATE_KEY } from '../kernel/protocol';
import { IJSONObject } from '../util/json';
import type { IIncomingMessage, IWidgetModel } from './api';
import type { Buffers, IModuleComm, IReply, RequestHandler } from './contract';
import { ModuleState, storeOf } from './syncedstate';

/** What the kernel puts in a synced-state comm's open data besides the author's own. */
const STATE_FIELDS = [STATE_KEY, 'state', 'buffer_paths'];

type MsgListener = (
  data: Record<string, unknown>,
  buffers: ReadonlyArray<DataView>
) => void;

/** How long a module's request waits for the kernel by default. */
const DEFAULT_TIMEOUT_MS = 10000;

export class ModuleComm implements IModuleComm {
  /**
   * `view` is where the kernel's output for what this comm sends is shown; `report` shows a
   * module's listener or handler error under the view.
   */
  constructor(
    private readonly _model: IWidgetModel,
    private readonly _view: object,
    private readonly _report: (error: unknown) => void
  ) {
    const store = storeOf(_model);
    this.state = store ? new ModuleState(store, _report) : null;
    this.data = { ..._model.state };
    if (store) {
      STATE_FIELDS.forEach(field => delete this.data[field]);
    }
    this._model.messageReceived.connect(this._onMessage, this);
    this._model.changed.connect(this._onChanged, this);
  }

  readonly data: Record<string, unknown>;
  readonly state: ModuleState | null;
  /** This view's id in the kernel's count of attached views. */
  readonly viewId = UUID.uuid4();

  get id(): string {
    return this._model.commId;
  }

  get target(): string {
    return this._model.targetName;
  }

  send(data: Record<string, unknown>, buffers?: Buffers): boolean {
    return this._model.send(data as IJSONObject, this._view, buffers);
  }

  on(event: 'msg' | 'close', listener: MsgListener | (() => void)): () => void {
    if (event !== 'msg' && event !== 'close') {
      throw new TypeError(`comm.on: unknown event '${String(event)}'`);
    }
    const listeners: Set<unknown> =
      event === 'msg' ? this._msgListeners : this._closeListeners;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  request(
    data: Record<string, unknown>,
    options: { buffers?: Buffers; timeout?: number } = {}
  ): Promise<IReply> {
    if (!this._model.connected) {
      return Promise.reject(this._closedError());
    }
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    const [id, reply] = this._pending.add(
      timeout,
      `the kernel did not answer the request on comm ${this.id} (target '${this.target}') within ${timeout} ms`
    );
    this.send(rpcMessage.request(id, data as IJSONObject), options.buffers);
    return reply;
  }

  onRequest(handler: RequestHandler | null): void {
    if (handler !== null && typeof handler !== 'function') {
      throw new TypeError('comm.onRequest: handler must be a function or null');
    }
    this._handler = handler;
  }

  close(): void {
    this._model.close();
  }

  /** Tells the kernel this view can answer requests (true) or went away (false). */
  announce(attached: boolean): void {
    this._model.send(rpcMessage.view(this.viewId, attached), null);
  }

  /** The view went away or its module is replaced: no more messages reach the module. */
  dispose(): void {
    this._model.messageReceived.disconnect(this._onMessage, this);
    this._model.changed.disconnect(this._onChanged, this);
    this._msgListeners.clear();
    this._closeListeners.clear();
    this.state?.dispose();
    this._pending.rejectAll(new RequestError('Error', 'the view went away'));
  }

  private _onMessage(_: unknown, message: IIncomingMessage): void {
    if (this.state && STATE_KEY in message.data) {
      return; // the comm's store took it (syncedstate.ts)
    }
    const rpc = rpcOf(message.data);
    if (rpc === null) {
      this._notify(this._msgListeners, message.data, message.buffers);
    } else if (typeof rpc === 'string') {
      this._report(new Error(`ipycomm: ignored a malformed message: ${rpc}`));
    } else {
      this._onRpc(rpc, message);
    }
  }

  private _onRpc(rpc: RpcHeader, message: IIncomingMessage): void {
    if (rpc.kind === 'reply') {
      this._pending.resolve(rpc.id, {
        data: payloadOf(message.data),
        buffers: message.buffers
      });
    } else if (rpc.kind === 'error') {
      this._pending.reject(rpc.id, new RequestError(rpc.name, rpc.message));
    } else if (rpc.kind === 'request') {
      void this._answer(rpc.id, message);
    }
  }

  private async _answer(id: string, message: IIncomingMessage): Promise<void> {
    const handler = this._handler;
    try {
      if (!handler) {
        throw new RequestError(
          'Error',
          `the view of comm ${this.id} (target '${this.target}') has no onRequest handler`
        );
      }
      const reply = await handler(payloadOf(message.data), message.buffers);
      if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) {
        throw new TypeError(
          `the onRequest handler must return an object, got ${JSON.stringify(reply)}`
        );
      }
      this.send(rpcMessage.reply(id, reply as IJSONObject));
    } catch (error) {
      this.send(rpcMessage.error(id, error));
      if (handler) {
        this._report(error);
      }
    }
  }

  private _onChanged(): void {
    if (this._model.connected || this._closed) {
      return;
    }
    this._closed = true;
    this._pending.rejectAll(this._closedError());
    this._notify(this._closeListeners);
  }

  private _closedError(): CommClosedError {
    const reason = this._model.reason || 'not connected';
    return new CommClosedError(
      `comm ${this.id} (target '${this.target}') closed: ${reason}`
    );
  }

  private _notify(listeners: Set<unknown>, ...args: unknown[]): void {
    for (const listener of [...listeners]) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (error) {
        this._report(error);
      }
    }
  }

  private _handler: RequestHandler | null = null;
  private _closed = false;
  private _msgListeners = new Set<unknown>();
  private _closeListeners = new Set<unknown>();
  private _pending = new PendingRequests<IReply>(UUID.uuid4());
}
