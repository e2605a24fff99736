/**
 * The kernel's busy/idle around a comm request, shown only when the request lasts long enough
 * to be seen.
 *
 * Every comm message makes the kernel publish busy, then idle. JupyterLab turns each of them
 * into a status change that the toolbar's indicator, the tab's favicon and title and every
 * comm handler ever created react to: about 2 ms of page work per round trip, for a flicker
 * no one can see. JupyterLab already skips the statuses of requests listed in the page option
 * `untracked_message_types` (kernel_info_request by default, which is why a bare
 * `requestKernelInfo()` is faster than a comm echo). The comm requests are added to that
 * list, in this page only: the kernel, the server's activity tracking and other clients still
 * see every status. A comm request still busy after SHOW_BUSY_AFTER_MS (a slow widget
 * callback) is shown busy until its idle, as before.
 */
import type { KernelMessage } from '@jupyterlab/services';
import type { ISignal } from '@lumino/signaling';

export const COMM_REQUESTS: ReadonlyArray<string> = [
  'comm_open',
  'comm_msg',
  'comm_close'
];
export const SHOW_BUSY_AFTER_MS = 100;
const OPTION = 'untracked_message_types';

/** The page's configuration (PageConfig from @jupyterlab/coreutils). */
export interface IPageOptions {
  getOption(name: string): string;
  setOption(name: string, value: string): string;
}

/** Adds the comm requests to the page's untracked message types, keeping the others. */
export function untrackCommStatuses(config: IPageOptions): void {
  let current: unknown = [];
  try {
    current = JSON.parse(config.getOption(OPTION) || '[]');
  } catch {
    // Unreadable: JupyterLab would fail on it too; start from the comm requests alone.
  }
  const types = Array.isArray(current) ? current.map(String) : [];
  const missing = COMM_REQUESTS.filter(t => !types.includes(t));
  if (missing.length > 0) {
    config.setOption(OPTION, JSON.stringify([...types, ...missing]));
  }
}

/** The parts of a kernel connection this uses. */
export interface IStatusKernel {
  readonly iopubMessage: ISignal<unknown, KernelMessage.IIOPubMessage>;
  readonly disposed: ISignal<unknown, void>;
}

/** The connection's status now, and JupyterLab's own update of it. */
export interface IStatusDisplay {
  current(): KernelMessage.Status;
  show(status: KernelMessage.Status): void;
}

/** Only a running kernel's status is busy or idle; starting, restarting or dead ones stay. */
const RUNNING: ReadonlyArray<string> = ['busy', 'idle'];

/** The comm requests of one connection that are running, and those shown busy. */
class CommRequests {
  constructor(private readonly _display: IStatusDisplay) {}

  busy(id: string): void {
    if (this._pending.has(id) || this._shown.has(id)) {
      return;
    }
    const timer = setTimeout(() => {
      this._pending.delete(id);
      this._shown.add(id);
      this._show('busy');
    }, SHOW_BUSY_AFTER_MS);
    this._pending.set(id, timer);
  }

  idle(id: string): void {
    clearTimeout(this._pending.get(id));
    this._pending.delete(id);
    if (this._shown.delete(id)) {
      this._show('idle');
    }
  }

  dispose(): void {
    this._pending.forEach(timer => clearTimeout(timer));
    this._pending.clear();
    this._shown.clear();
  }

  private _show(status: KernelMessage.Status): void {
    if (RUNNING.includes(this._display.current())) {
      this._display.show(status);
    }
  }

  private _pending = new Map<string, ReturnType<typeof setTimeout>>();
  private _shown = new Set<string>();
}

/**
 * Shows a comm request's busy once it has lasted SHOW_BUSY_AFTER_MS, and its idle if its
 * busy was shown, while the kernel is running (a restart in between wins).
 */
export function showSlowCommRequests(
  kernel: IStatusKernel,
  display: IStatusDisplay
): void {
  const requests = new CommRequests(display);
  const onIOPub = (_: unknown, msg: KernelMessage.IIOPubMessage): void => {
    const parent = msg.parent_header as Partial<KernelMessage.IHeader>;
    if (
      msg.header.msg_type !== 'status' ||
      !COMM_REQUESTS.includes(parent.msg_type ?? '') ||
      !parent.msg_id
    ) {
      return;
    }
    const state = (msg as KernelMessage.IStatusMsg).content.execution_state;
    if (state === 'busy') {
      requests.busy(parent.msg_id);
    } else if (state === 'idle') {
      requests.idle(parent.msg_id);
    }
  };
  kernel.iopubMessage.connect(onIOPub);
  kernel.disposed.connect(() => {
    kernel.iopubMessage.disconnect(onIOPub);
    requests.dispose();
  });
}
