/**
 * What the inspector asks the kernel (python/ipycomm/inspection.py): since when each live comm
 * is open and who opened it, and the credit state. An `ipycomm_inspect_request` on the control
 * channel (served while a cell runs); the kernel answers this connection alone and publishes
 * nothing, so other clients see nothing of it. Asked only of kernels that run ipycomm.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { KernelMessage as Messages } from '@jupyterlab/services';
import { isObject } from '../util/json';
import { IKernelComm, Opener } from './commstats';
import { IFlowState, parseFlowState } from './flowstate';

export const INSPECT_REQUEST = 'ipycomm_inspect_request';
export const INSPECT_REPLY = 'ipycomm_inspect_reply';

export interface IInspection {
  /** The kernel's clock when it answered, ms since the epoch. */
  now: number;
  comms: Map<string, IKernelComm>;
  flow: IFlowState | null;
}

const OPENERS: ReadonlyArray<Opener> = ['kernel', 'frontend'];

function parseComm(value: unknown): IKernelComm | null {
  if (!isObject(value)) {
    return null;
  }
  const openedAt = value.opened_at;
  const openedBy = OPENERS.find(o => o === value.opened_by) ?? 'unknown';
  return {
    targetName: typeof value.target_name === 'string' ? value.target_name : '',
    openedAt: typeof openedAt === 'number' ? openedAt * 1000 : null,
    openedBy
  };
}

/** An inspect reply's content; null unless it is an ok reply. */
export function parseInspection(content: unknown): IInspection | null {
  if (!isObject(content) || content.status !== 'ok') {
    return null;
  }
  const comms = new Map<string, IKernelComm>();
  for (const [commId, value] of Object.entries(
    isObject(content.comms) ? content.comms : {}
  )) {
    const comm = parseComm(value);
    if (comm) {
      comms.set(commId, comm);
    }
  }
  const now = typeof content.now === 'number' ? content.now * 1000 : Date.now();
  return { now, comms, flow: parseFlowState(content.flow) };
}

/** Asks `kernel`; null when it does not answer within `timeout` ms or cannot be asked. */
export function requestInspection(
  kernel: Kernel.IKernelConnection,
  timeout = 3000
): Promise<IInspection | null> {
  // Not one of @jupyterlab/services' control message types; the connection sends it as is.
  const msg = Messages.createMessage({
    channel: 'control',
    msgType: INSPECT_REQUEST,
    session: kernel.clientId,
    username: kernel.username,
    content: {}
  } as unknown as KernelMessage.IOptions<KernelMessage.IInterruptRequestMsg>) as KernelMessage.IControlMessage;
  return new Promise(resolve => {
    let future: Kernel.IControlFuture | null = null;
    const finish = (result: IInspection | null) => {
      clearTimeout(timer);
      resolve(result);
      // No idle status follows the reply: the future would never be done on its own.
      setTimeout(() => future?.dispose(), 0);
    };
    const timer = setTimeout(() => finish(null), timeout);
    try {
      future = kernel.sendControlMessage(msg, true, false);
      future.onReply = reply => finish(parseInspection(reply.content));
    } catch {
      finish(null);
    }
  });
}
