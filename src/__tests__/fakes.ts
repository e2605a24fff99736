/** Fakes for the kernel seam, shaped like the parts of @jupyterlab/services we use. */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import type { IScheduler } from '../util/coalesce';

export interface IFakeComm {
  commId: string;
  targetName: string;
  isDisposed: boolean;
  onMsg: (msg: { content: { data: unknown } }) => void;
  onClose: (msg: { content: { data: unknown } }) => void;
  open: jest.Mock;
  send: jest.Mock;
  close: jest.Mock;
}

let nextId = 0;

export function fakeComm(
  targetName: string,
  commId = `comm-${++nextId}`
): IFakeComm {
  return {
    commId,
    targetName,
    isDisposed: false,
    onMsg: () => undefined,
    onClose: () => undefined,
    open: jest.fn(),
    send: jest.fn(),
    close: jest.fn()
  };
}

/** Delivers a comm_msg from the kernel to a comm's handler. */
export function kernelSends(comm: IFakeComm, data: unknown): void {
  comm.onMsg({ content: { data } });
}

/** Delivers a batch (docs/flow-control.md §3) of comm_msgs carrying `items` as data. */
export function kernelSendsBatch(comm: IFakeComm, items: unknown[]): void {
  comm.onMsg({
    metadata: { ipycomm: { seq: 1, batch: items.length } },
    content: {
      comm_id: comm.commId,
      data: { ipycomm_batch: items.map(data => ({ data })) }
    }
  } as { content: { data: unknown } });
}

export class FakeKernel {
  constructor(readonly id = 'kernel-1') {}
  clientId = `client-of-${this.id}`;
  username = 'tester';
  isDisposed = false;
  statusChanged = new Signal<this, KernelMessage.Status>(this);
  disposed = new Signal<this, void>(this);
  anyMessage = new Signal<this, { msg: unknown; direction: string }>(this);
  iopubMessage = new Signal<this, KernelMessage.IIOPubMessage>(this);
  /** Control messages sent (credits); each returns a future that is disposed at once. */
  sendControlMessage = jest.fn(
    (_msg: unknown, _expectReply?: boolean, _disposeOnDone?: boolean) => ({
      dispose: jest.fn()
    })
  );
  handleComms = true;
  targets = new Map<string, (comm: unknown, msg: unknown) => void>();
  registerCommTarget = jest.fn(
    (name: string, cb: (c: unknown, m: unknown) => void) => {
      this.targets.set(name, cb);
    }
  );
  /** comm ids the kernel reports as alive in comm_info_reply. */
  aliveComms: Record<string, { target_name: string }> = {};
  requestCommInfo = jest.fn(async () => ({
    content: { status: 'ok', comms: this.aliveComms }
  }));
  created: IFakeComm[] = [];
  createComm = jest.fn((target: string, commId?: string) => {
    const comm = fakeComm(target, commId);
    this.created.push(comm);
    return comm;
  });
  hasComm = jest.fn(() => false);

  get asKernel(): Kernel.IKernelConnection {
    return this as unknown as Kernel.IKernelConnection;
  }
}

/** A comm_open message as the kernel connection hands it to a target. */
export function commOpenMsg(
  comm: IFakeComm,
  parentMsgId: string,
  data: unknown = {}
): KernelMessage.ICommOpenMsg {
  return {
    parent_header: parentMsgId ? { msg_id: parentMsgId } : {},
    content: { comm_id: comm.commId, target_name: comm.targetName, data }
  } as unknown as KernelMessage.ICommOpenMsg;
}

/** A cell whose output area is running the execute request `msgId`. */
export function fakeCell(msgId: string | null) {
  const outputs: unknown[] = [];
  return {
    outputs,
    outputArea: {
      future: msgId ? { msg: { header: { msg_id: msgId } } } : null,
      model: { add: (output: unknown) => outputs.push(output) }
    }
  };
}

/** A scheduler whose frames run only when the test says so. */
export class ManualFrames implements IScheduler {
  private _queue: Array<() => void> = [];
  request(callback: () => void): void {
    this._queue.push(callback);
  }
  get requested(): number {
    return this._queue.length;
  }
  frame(): void {
    const queue = this._queue;
    this._queue = [];
    queue.forEach(cb => cb());
  }
}

/** A fake connection with the private members of JupyterLab's KernelConnection that ipycomm wraps. */
export class WiredKernel extends FakeKernel {
  /** What reached the websocket, in order. */
  wire: KernelMessage.IMessage[] = [];
  /** What reached JupyterLab's own message handling, in order. */
  handled: KernelMessage.IMessage[] = [];
  _sendMessage(msg: KernelMessage.IMessage): void {
    this.wire.push(msg);
  }
  async _handleMessage(msg: KernelMessage.IMessage): Promise<void> {
    this.handled.push(msg);
  }
  /** The page sends a message, as JupyterLab does. */
  send(msg: KernelMessage.IMessage): void {
    this._sendMessage(msg);
  }
  /** A message arrives from the kernel. */
  receive(msg: KernelMessage.IMessage): Promise<void> {
    return this._handleMessage(msg);
  }
}
