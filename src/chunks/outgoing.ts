/**
 * The page → kernel side of chunked transfer for one kernel connection (docs/chunking.md):
 * decides, for every comm message the page sends, whether it goes as is or in chunks, and
 * keeps each comm's order: while a comm's message is being chunked (or the page is still
 * asking the kernel whether it reassembles), that comm's later messages and its close wait,
 * and go out in order afterwards. Messages on other comms never wait.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { formatBytes } from '../util/bytes';
import { ADAPTIVE, payloadBound, payloadOf } from './format';
import type { ICapability, Negotiation } from './negotiation';
import { Pace } from './pace';
import { ChunkSender, ISenderDeps } from './sender';
import type { Transfers } from './transfers';

type CommMsg = KernelMessage.ICommMsgMsg;

/** Messages this small never wait for the kernel's answer (the smallest chunk size it takes). */
export const SMALL = 64 * 1024;
/** jupyter_server's default websocket limit: a bigger message sent whole is lost. */
const SERVER_LIMIT = 10 * 1024 * 1024;

export interface IOutgoingDeps {
  kernelId: string;
  negotiation: Negotiation;
  transfers: Transfers;
  /** Puts a message on the websocket, bypassing chunking. */
  send(msg: KernelMessage.IMessage): void;
  /** A fresh comm_msg on the comm with this data and buffers. */
  create(
    commId: string,
    data: CommMsg['content']['data'],
    buffers: ArrayBuffer[]
  ): CommMsg;
  /** Resolves when the kernel reports idle for the message; rejects if it never will. */
  idle(msgId: string): Promise<void>;
  newId(): string;
  warn(message: string): void;
}

function commIdOf(msg: KernelMessage.IMessage): string | null {
  const type = msg.header.msg_type;
  if (
    msg.channel !== 'shell' ||
    (type !== 'comm_msg' && type !== 'comm_close')
  ) {
    return null;
  }
  const id = (msg.content as { comm_id?: unknown }).comm_id;
  return typeof id === 'string' ? id : null;
}

export class Outgoing {
  constructor(deps: IOutgoingDeps) {
    this._deps = deps;
  }

  /**
   * Takes a message the page is sending: true if this side sends it (now, in chunks or
   * later), false if the caller sends it as is. Throws, before anything is sent, for a
   * message over the kernel's limit.
   */
  take(msg: KernelMessage.IMessage): boolean {
    if (msg.channel === 'shell') {
      this._others += 1; // a chunk never comes here: it is sent past this hook
    }
    const commId = commIdOf(msg);
    if (commId === null) {
      return false;
    }
    const held = this._held.get(commId);
    if (held) {
      held.push(msg);
      return true;
    }
    if (msg.header.msg_type !== 'comm_msg') {
      return false;
    }
    return this._takeCommMsg(commId, msg as CommMsg);
  }

  /** The transfers this side is sending, by id. */
  sender(transfer: string): ChunkSender | null {
    return this._senders.get(transfer) ?? null;
  }

  /** Stops every transfer on a comm (it closed). */
  stopComm(commId: string, reason: string): void {
    for (const [transfer, sender] of this._senders) {
      if (this._commOf.get(transfer) === commId && sender.stop()) {
        this._deps.transfers.finish(transfer, 'failed', reason);
      }
    }
  }

  /** A new kernel process or no connection: what waited is gone, as JupyterLab's queue is. */
  reset(reason: string): void {
    for (const [transfer, sender] of this._senders) {
      sender.stop();
      this._deps.transfers.finish(transfer, 'failed', reason);
    }
    this._held.clear();
  }

  private _takeCommMsg(commId: string, msg: CommMsg): boolean {
    const { data } = msg.content;
    const buffers = msg.buffers ?? [];
    const bound = payloadBound(data, buffers);
    if (bound <= SMALL) {
      return false;
    }
    const capability = this._deps.negotiation.current;
    if (capability === undefined) {
      this._held.set(commId, [msg]);
      void this._deps.negotiation.resolve().then(() => this._release(commId));
      return true;
    }
    if (capability === null || bound <= capability.chunkSize) {
      this._warnIfLost(capability === null ? bound : 0, commId);
      return false;
    }
    const payload = payloadOf(data, buffers);
    if (payload.size <= capability.chunkSize) {
      return false;
    }
    if (payload.size > capability.maxMessageSize) {
      throw new RangeError(
        `ipycomm: the comm message on comm ${commId} is ${formatBytes(payload.size)}, over ` +
          `the kernel's limit of ${formatBytes(capability.maxMessageSize)} ` +
          '(c.IPyComm.max_message_size); nothing was sent'
      );
    }
    this._start(commId, msg, payload, this._paceFor(capability));
    return true;
  }

  /** A transfer's pace: adaptive when the kernel reads slices of any size (docs/chunking.md §3). */
  private _paceFor(capability: ICapability): Pace | number {
    if (capability.chunkFormat < ADAPTIVE) {
      return capability.chunkSize;
    }
    const others = () => this._others;
    return new Pace({
      chunkSize: capability.chunkSize,
      adaptive: true,
      others
    });
  }

  private _start(
    commId: string,
    msg: CommMsg,
    payload: ReturnType<typeof payloadOf>,
    pace: Pace | number
  ): void {
    const { transfers, kernelId } = this._deps;
    const transfer = this._deps.newId();
    const deps = this._senderDeps(commId, transfer);
    const sender = new ChunkSender(msg, payload, pace, transfer, deps);
    this._held.set(commId, []);
    this._senders.set(transfer, sender);
    this._commOf.set(transfer, commId);
    transfers.start({
      id: transfer,
      kernelId,
      commId,
      direction: 'send',
      size: payload.size,
      cancel: () => sender.stop()
    });
    void sender.run().then(whole => {
      this._senders.delete(transfer);
      this._commOf.delete(transfer);
      if (whole) {
        transfers.finish(transfer, 'done');
      } else if (transfers.get(transfer)) {
        transfers.finish(
          transfer,
          'failed',
          'the kernel did not take the message'
        );
      }
      this._release(commId);
    });
  }

  private _senderDeps(commId: string, transfer: string): ISenderDeps {
    return {
      send: m => this._deps.send(m),
      create: (data, buffers) => this._deps.create(commId, data, buffers),
      idle: msgId => this._deps.idle(msgId),
      progress: done => this._deps.transfers.progress(transfer, done),
      warn: message => this._deps.warn(message)
    };
  }

  /** Sends what waited on a comm, in order, until one of its messages has to wait again. */
  private _release(commId: string): void {
    const queue = this._held.get(commId) ?? [];
    this._held.delete(commId);
    for (const [index, msg] of queue.entries()) {
      if (!this._takeReleased(msg)) {
        this._deps.send(msg);
      }
      const held = this._held.get(commId);
      if (held) {
        held.push(...queue.slice(index + 1));
        return;
      }
    }
  }

  /** `take` for a message that waited: its caller is gone, so a refusal is reported here. */
  private _takeReleased(msg: KernelMessage.IMessage): boolean {
    try {
      return this.take(msg);
    } catch (e) {
      this._deps.warn(String((e as Error).message ?? e));
      return true; // refused: not sent
    }
  }

  private _warnIfLost(size: number, commId: string): void {
    if (size > SERVER_LIMIT) {
      this._deps.warn(
        `ipycomm: a comm message of up to ${formatBytes(size)} on comm ${commId} goes out ` +
          'whole: this kernel does not run ipycomm, and jupyter_server closes a websocket ' +
          'that receives more than its websocket_max_message_size (10 MiB by default)'
      );
    }
  }

  private _deps: IOutgoingDeps;
  private _held = new Map<string, KernelMessage.IMessage[]>();
  private _senders = new Map<string, ChunkSender>();
  /** The shell messages the page has sent that are not chunks (the pace reads it). */
  private _others = 0;
  private _commOf = new Map<string, string>();
}
