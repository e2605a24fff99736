/**
 * Waits for the kernel's idle status after a message it handled: the kernel publishes
 * busy/idle around every shell message, so that idle is the acknowledgement of a chunk
 * (docs/chunking.md §3), with no extra message on the wire.
 */
import type { KernelMessage } from '@jupyterlab/services';

interface IWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class IdleWaiters {
  /** Resolves on the idle status whose parent is `msgId`. */
  wait(msgId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this._waiters.set(msgId, { resolve, reject });
    });
  }

  /** Looks at every message from the kernel. */
  observe(msg: KernelMessage.IMessage): void {
    if (msg.channel !== 'iopub' || msg.header.msg_type !== 'status') {
      return;
    }
    const state = (msg.content as { execution_state?: unknown })
      .execution_state;
    const parent = (msg.parent_header as { msg_id?: unknown } | undefined)
      ?.msg_id;
    if (state !== 'idle' || typeof parent !== 'string') {
      return;
    }
    const waiter = this._waiters.get(parent);
    if (waiter) {
      this._waiters.delete(parent);
      waiter.resolve();
    }
  }

  /** No idle will come (the kernel restarted, the connection closed). */
  rejectAll(reason: string): void {
    const waiters = [...this._waiters.values()];
    this._waiters.clear();
    for (const waiter of waiters) {
      waiter.reject(new Error(reason));
    }
  }

  private _waiters = new Map<string, IWaiter>();
}
