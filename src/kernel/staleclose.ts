/**
 * A comm_close from the kernel for a comm this connection does not have. The kernel tells every
 * client when any client closes a comm (python/ipycomm/peerclose.py), the closing page included,
 * whose comm is already gone by then; a close can also name a comm that another client opened.
 * JupyterLab would log "Comm not found" as a console error for each. There is nothing to show,
 * so such a close does not reach JupyterLab's comm handling.
 *
 * A close for a comm the connection does have (another client closed it) goes on as usual: its
 * model shows the comm closed, with the kernel's reason.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';

/** The part of a kernel connection this reads. */
export type CommHolder = Pick<
  Kernel.IKernelConnection,
  'handleComms' | 'hasComm'
>;

/** Whether `msg` is a kernel's comm_close for a comm this connection does not hold. */
export function isStaleClose(
  kernel: CommHolder,
  msg: KernelMessage.IMessage
): boolean {
  if (msg.channel !== 'iopub' || msg.header.msg_type !== 'comm_close') {
    return false;
  }
  if (!kernel.handleComms) {
    return false; // JupyterLab ignores it anyway, and says nothing
  }
  const commId = (msg.content as { comm_id?: unknown }).comm_id;
  return typeof commId === 'string' && !kernel.hasComm(commId);
}
