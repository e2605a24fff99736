/**
 * Keeps a comm close from dying with its subshell (jupyterlab#19722). With comms over
 * subshells (JupyterLab's default), closing a comm sends `comm_close` to the comm's subshell
 * and, when no other comm uses that subshell, `delete_subshell_request` on the control
 * channel at once. The kernel may stop the subshell before it has handled the close, and the
 * comm then stays open in the kernel for good.
 *
 * This holds such a delete until the kernel has handled every close sent to that subshell
 * (its idle status, whose parent is the close, arrived on iopub), or for CLOSE_TIMEOUT_MS at
 * most: iopub can drop an idle on a loaded machine, and a subshell must not be kept forever.
 * Every other message passes at once, untouched and in order.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { messagePathOf, setMessagePath } from '../compat';

type Message = KernelMessage.IMessage;

/** The longest a delete waits for the closes sent before it. */
export const CLOSE_TIMEOUT_MS = 5000;

export interface ISubshellClosesOptions {
  /** Puts a held message out (past this module). */
  send(msg: Message): void;
  /** Default CLOSE_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Where a delete sent on the timeout is reported; default console.debug. */
  debug?(message: string): void;
}

interface IHeld {
  msgs: Message[];
  timer: ReturnType<typeof setTimeout>;
}

/** The subshell a shell message goes to, or null for the main shell. */
function subshellOf(msg: Message): string | null {
  const id = (msg.header as { subshell_id?: unknown }).subshell_id;
  return typeof id === 'string' && id ? id : null;
}

/** The subshell a delete_subshell_request deletes, or null for any other message. */
function deletedSubshell(msg: Message): string | null {
  if (
    msg.channel !== 'control' ||
    msg.header.msg_type !== 'delete_subshell_request'
  ) {
    return null;
  }
  const id = (msg.content as { subshell_id?: unknown }).subshell_id;
  return typeof id === 'string' ? id : null;
}

/** The request an idle status ends, or null for any other message. */
function idleParent(msg: Message): string | null {
  if (msg.channel !== 'iopub' || msg.header.msg_type !== 'status') {
    return null;
  }
  const state = (msg.content as { execution_state?: unknown }).execution_state;
  const parent = (msg.parent_header as { msg_id?: unknown } | undefined)
    ?.msg_id;
  return state === 'idle' && typeof parent === 'string' ? parent : null;
}

export class SubshellCloses {
  constructor(options: ISubshellClosesOptions) {
    this._send = options.send;
    this._timeoutMs = options.timeoutMs ?? CLOSE_TIMEOUT_MS;
    this._debug = options.debug ?? (message => console.debug(message));
  }

  /** Takes a message the page sends: true if it is held (the caller must not send it). */
  take(msg: Message): boolean {
    if (msg.channel === 'shell' && msg.header.msg_type === 'comm_close') {
      const subshell = subshellOf(msg);
      if (subshell !== null) {
        this._closes.set(msg.header.msg_id, subshell);
      }
      return false;
    }
    const subshell = deletedSubshell(msg);
    if (subshell === null || !this._closing(subshell)) {
      return false;
    }
    const held = this._held.get(subshell);
    if (held) {
      held.msgs.push(msg);
    } else {
      const timer = setTimeout(() => this._timedOut(subshell), this._timeoutMs);
      this._held.set(subshell, { msgs: [msg], timer });
    }
    return true;
  }

  /** Looks at every message from the kernel: an idle may end a close. */
  observe(msg: Message): void {
    const parent = idleParent(msg);
    const subshell = parent === null ? undefined : this._closes.get(parent);
    if (parent === null || subshell === undefined) {
      return;
    }
    this._closes.delete(parent);
    if (!this._closing(subshell)) {
      this._release(subshell);
    }
  }

  /** The kernel process is gone (restart, death) or the connection is: so are its subshells. */
  forget(): void {
    this._held.forEach(held => clearTimeout(held.timer));
    this._held.clear();
    this._closes.clear();
  }

  /** Whether a close sent to the subshell has not been handled yet. */
  private _closing(subshell: string): boolean {
    for (const target of this._closes.values()) {
      if (target === subshell) {
        return true;
      }
    }
    return false;
  }

  private _timedOut(subshell: string): void {
    this._debug(
      `ipycomm: no idle status for a comm_close on subshell ${subshell} after ` +
        `${this._timeoutMs / 1000} s; deleting the subshell anyway`
    );
    for (const [msgId, target] of this._closes) {
      if (target === subshell) {
        this._closes.delete(msgId);
      }
    }
    this._release(subshell);
  }

  private _release(subshell: string): void {
    const held = this._held.get(subshell);
    if (!held) {
      return;
    }
    this._held.delete(subshell);
    clearTimeout(held.timer);
    for (const msg of held.msgs) {
      try {
        this._send(msg);
      } catch {
        // The connection is gone, and the subshell with its kernel.
      }
    }
  }

  private _send: (msg: Message) => void;
  private _timeoutMs: number;
  private _debug: (message: string) => void;
  /** The subshell of each close sent and not yet handled, by the close's msg_id. */
  private _closes = new Map<string, string>();
  /** Deletes waiting for closes, by subshell. */
  private _held = new Map<string, IHeld>();
}

/** Statuses after which the kernel process that had the subshells is gone. */
const GONE = new Set(['restarting', 'autorestarting', 'dead']);

/**
 * Puts SubshellCloses into a kernel connection, outside any wrapping installed before it (so
 * it sees a close when the page sends it, even if chunking holds it behind a transfer).
 * Returns false, and changes nothing, when the connection cannot be wrapped.
 */
export function orderSubshellCloses(
  kernel: Kernel.IKernelConnection,
  options: Partial<ISubshellClosesOptions> = {}
): boolean {
  const path = messagePathOf(kernel);
  if (!path) {
    return false;
  }
  const { send, handle } = path;
  const closes = new SubshellCloses({ send: msg => send(msg), ...options });
  setMessagePath(kernel, {
    send: (msg: Message, queue?: boolean) => {
      if (!closes.take(msg)) {
        send(msg, queue);
      }
    },
    handle: (msg: Message) => {
      closes.observe(msg);
      return handle(msg);
    }
  });
  kernel.statusChanged.connect((_, status) => {
    if (GONE.has(status)) {
      closes.forget();
    }
  });
  kernel.disposed.connect(() => closes.forget());
  return true;
}
