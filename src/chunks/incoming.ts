/**
 * The kernel → page side of chunked transfer for one kernel connection (docs/chunking.md):
 * takes every chunk and notice the kernel publishes before JupyterLab's comm handling sees
 * it, and hands on one ordinary message once a chunked one is whole. Notices about the page's
 * own transfers (the kernel refused one, or cancelled) stop them.
 */
import type { KernelMessage } from '@jupyterlab/services';
import type { Assembler } from './assembler';
import { formatBytes } from '../util/bytes';
import { FLOW_KEY } from '../kernel/protocol';
import { IChunkHeader, isChunked, isLast, parseChunked } from './format';
import type { Outgoing } from './outgoing';
import type { Transfers } from './transfers';

type CommMsg = KernelMessage.ICommMsgMsg;
/** A comm message of any kind: the last chunk has the type of the message it carries. */
type AnyCommMsg =
  | KernelMessage.ICommOpenMsg<'iopub'>
  | KernelMessage.ICommMsgMsg<'iopub'>
  | KernelMessage.ICommCloseMsg<'iopub'>;

/** What to do with a message from the kernel. */
export type Taken =
  | { kind: 'pass' }
  | { kind: 'swallow' }
  | { kind: 'deliver'; msg: KernelMessage.IMessage };

/** The messages whose data may be a chunk (a comm_open or comm_close in the adaptive format). */
const CHUNKED_TYPES = new Set(['comm_open', 'comm_msg', 'comm_close']);

const SWALLOW: Taken = { kind: 'swallow' };

export interface IIncomingDeps {
  kernelId: string;
  assembler: Assembler;
  transfers: Transfers;
  outgoing: Outgoing;
  /** Tells the kernel to stop sending one of its transfers. */
  sendCancel(commId: string, transfer: string): void;
  warn(message: string): void;
}

export class Incoming {
  constructor(deps: IIncomingDeps) {
    this._deps = deps;
  }

  take(msg: KernelMessage.IMessage): Taken {
    if (msg.channel !== 'iopub') {
      return { kind: 'pass' };
    }
    const type = msg.header.msg_type;
    if (!CHUNKED_TYPES.has(type)) {
      return { kind: 'pass' };
    }
    const comm = msg as AnyCommMsg;
    const taken = isChunked(comm.content.data)
      ? this._takeChunked(comm)
      : this._takeWhole(comm);
    if (type === 'comm_close' && taken.kind !== 'swallow') {
      this.commClosed(comm.content.comm_id);
    }
    return taken;
  }

  private _takeWhole(msg: AnyCommMsg): Taken {
    if (msg.header.msg_type === 'comm_msg') {
      this._dropAbandoned(msg as CommMsg);
    }
    return { kind: 'pass' };
  }

  /**
   * A whole message that replaces a transfer the kernel stopped chunking (a client that reads
   * no chunks subscribed meanwhile, docs/chunking.md): the partial goes, without an error, and
   * the message itself is delivered as usual.
   */
  private _dropAbandoned(msg: CommMsg): void {
    const flow = msg.metadata?.[FLOW_KEY] as { abandons?: unknown } | undefined;
    const transfer = flow?.abandons;
    if (typeof transfer === 'string' && this._deps.assembler.drop(transfer)) {
      this._deps.transfers.finish(transfer, 'done');
    }
  }

  /** The kernel closed the comm: its partial messages, both ways, are gone. */
  commClosed(commId: string): void {
    this.pageClosed(commId);
    this._deps.outgoing.stopComm(commId, 'the comm closed');
  }

  /**
   * The page closes the comm: what the kernel was sending on it will not be delivered. (The
   * page's own transfer on it ends first: its close waits behind it.)
   */
  pageClosed(commId: string): void {
    for (const partial of this._deps.assembler.dropComm(commId)) {
      this._deps.transfers.finish(
        partial.transfer,
        'failed',
        'the comm closed'
      );
    }
  }

  /** A new kernel process or no connection: every partial message is gone. */
  reset(reason: string): void {
    for (const partial of this._deps.assembler.clear()) {
      this._deps.transfers.finish(partial.transfer, 'failed', reason);
    }
  }

  private _takeChunked(msg: AnyCommMsg): Taken {
    const commId = msg.content.comm_id;
    const parsed = parseChunked(msg.content.data);
    if (!parsed.ok) {
      this._deps.warn(
        `ipycomm: ignored a malformed chunk on comm ${commId}: ${parsed.error}`
      );
      return SWALLOW;
    }
    const chunked = parsed.value;
    if (chunked.kind === 'cancel') {
      this._stop(chunked.transfer, 'cancelled', 'cancelled by the kernel');
    } else if (chunked.kind === 'error') {
      this._deps.warn(
        `ipycomm: the kernel refused a transfer on comm ${commId}: ${chunked.error}`
      );
      this._stop(chunked.transfer, 'failed', chunked.error);
    } else {
      return this._takeChunk(msg, chunked.header);
    }
    return SWALLOW;
  }

  private _takeChunk(msg: AnyCommMsg, header: IChunkHeader): Taken {
    const commId = msg.content.comm_id;
    const { transfer } = header;
    if (this._dropped.has(transfer)) {
      if (isLast(header)) {
        this._dropped.delete(transfer);
      }
      return SWALLOW; // the rest of a transfer already dropped
    }
    const slice = msg.buffers?.[0];
    if (msg.buffers?.length !== 1 || slice === undefined) {
      this._drop(
        commId,
        header,
        `chunk ${header.index} must carry exactly one buffer`
      );
      return SWALLOW;
    }
    if (header.index === 0) {
      this._started(commId, transfer, header.size ?? 0);
    }
    const before = this._deps.assembler.received(transfer);
    const result = this._deps.assembler.accept(commId, header, slice);
    if (!result.ok) {
      this._drop(commId, header, result.error, before);
      return SWALLOW;
    }
    if (result.value === null) {
      const received = this._deps.assembler.received(transfer) ?? 0;
      this._deps.transfers.progress(transfer, received);
      return SWALLOW;
    }
    this._deps.transfers.finish(transfer, 'done');
    const { data, buffers } = result.value;
    return {
      kind: 'deliver',
      msg: { ...msg, content: { ...msg.content, data }, buffers }
    };
  }

  private _started(commId: string, transfer: string, size: number): void {
    this._deps.transfers.start({
      id: transfer,
      kernelId: this._deps.kernelId,
      commId,
      direction: 'receive',
      size,
      cancel: () => {
        this._deps.assembler.drop(transfer);
        this._deps.sendCancel(commId, transfer);
      }
    });
  }

  /** A notice about a transfer: whichever side of it this page holds stops. */
  private _stop(
    transfer: string,
    state: 'cancelled' | 'failed',
    reason: string
  ): void {
    this._deps.assembler.drop(transfer);
    this._deps.outgoing.sender(transfer)?.stop();
    this._deps.transfers.finish(transfer, state, reason);
  }

  /** Drops a transfer that went wrong, and tells the kernel to stop sending the rest. */
  private _drop(
    commId: string,
    header: IChunkHeader,
    error: string,
    received: number | null = null
  ): void {
    const { transfer } = header;
    const partial = this._deps.assembler.drop(transfer);
    const bytes = partial?.received ?? received;
    const got = bytes !== null ? ` after ${formatBytes(bytes)}` : '';
    this._deps.warn(
      `ipycomm: dropped a message from the kernel${got}: ${error}`
    );
    this._deps.transfers.finish(transfer, 'failed', error);
    if (!isLast(header)) {
      this._dropped.add(transfer);
      this._deps.sendCancel(commId, transfer);
    }
  }

  private _deps: IIncomingDeps;
  /** Transfers dropped before their last chunk: the rest of their chunks are ignored. */
  private _dropped = new Set<string>();
}
