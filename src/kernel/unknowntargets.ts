/**
 * Answers a kernel's comm_open for a target nobody registered in this kernel connection with a
 * comm_close whose data says why, so the kernel's `on_close` learns the reason (mirrors what
 * python/ipycomm/manager.py does the other way).
 *
 * JupyterLab's KernelConnection closes such comms itself, with no data. Its target registry has
 * no public "has target" query, so we read it (read only) the moment a comm_open arrives:
 * `anyMessage` fires synchronously on receipt, while the connection handles the message later in
 * its message chain. For an unknown target we register a refusing target under that name just in
 * time; the connection then calls it instead of closing the comm itself, so the comm is closed
 * exactly once. A real target registered later simply replaces the refuser. If a future
 * JupyterLab hides the registry (src/compat), nothing is registered and JupyterLab's own close
 * applies.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { targetRegistryOf } from '../compat';

/** What the kernel reads in `msg['content']['data']['reason']`. */
export function unknownTargetReason(targetName: string): string {
  return (
    `the frontend has no comm target '${targetName}' ` +
    '(no JupyterLab extension registered it in this kernel connection)'
  );
}

/** Whether a kernel-sent message is a comm_open this connection would close without a reason. */
function isUnknownTargetOpen(
  kernel: Kernel.IKernelConnection,
  msg: KernelMessage.IMessage
): boolean {
  if (msg.header.msg_type !== 'comm_open' || !kernel.handleComms) {
    return false;
  }
  const content = msg.content as Partial<KernelMessage.ICommOpenMsg['content']>;
  if (typeof content.target_name !== 'string' || content.target_module) {
    // JupyterLab loads a target_module with requirejs; leave that path alone.
    return false;
  }
  const registry = targetRegistryOf(kernel);
  return registry !== null && !registry[content.target_name];
}

const refusing = new WeakSet<Kernel.IKernelConnection>();

/** Refuses unknown targets with a reason on this connection; a no-op the second time. */
export function refuseUnknownTargets(kernel: Kernel.IKernelConnection): void {
  if (refusing.has(kernel)) {
    return;
  }
  refusing.add(kernel);
  const refuse = (comm: Kernel.IComm) => {
    comm.close({ reason: unknownTargetReason(comm.targetName) });
  };
  kernel.anyMessage.connect((_, { msg, direction }) => {
    if (direction === 'recv' && isUnknownTargetOpen(kernel, msg)) {
      const { target_name } =
        msg.content as KernelMessage.ICommOpenMsg['content'];
      kernel.registerCommTarget(target_name, refuse);
    }
  });
}
