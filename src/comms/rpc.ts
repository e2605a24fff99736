/**
 * Request/reply on a comm (mirrors python/ipycomm/rpc.py): the messages, read and built, and
 * the requests this page waits for. A request, its reply or error, and a view's attach/detach
 * are ordinary comm messages whose data holds RPC_KEY (docs/frontend-targets.md §4). Pure, so
 * tests feed it plain objects and fake timers.
 */
import { RPC_KEY } from '../kernel/protocol';
import { IJSONObject, isObject } from '../util/json';

/** What RPC_KEY holds in a message. */
export type RpcHeader =
  | { kind: 'request' | 'reply'; id: string }
  | { kind: 'error'; id: string; name: string; message: string }
  | { kind: 'view'; id: string; attached: boolean };

/** An error reply, or a request that failed: `name` is the other side's error type. */
export class RequestError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * A request that failed because its comm closed, or its kernel went away, before the answer
 * came: the end of the comm, not a bug in the module. A view that sees it shows itself as
 * closed instead of showing an error.
 */
export class CommClosedError extends RequestError {
  constructor(message: string) {
    super('CommClosedError', message);
  }
}

/** Whether `error` says that the comm closed (also when a module rethrew a copy of it). */
export function isCommClosed(error: unknown): boolean {
  return (
    error instanceof CommClosedError ||
    (error instanceof Error && error.name === 'CommClosedError')
  );
}

/**
 * The RPC header of a message: null for an ordinary message, a string saying what is wrong
 * for a malformed one.
 */
export function rpcOf(data: unknown): RpcHeader | null | string {
  if (!isObject(data) || !(RPC_KEY in data)) {
    return null;
  }
  const rpc = data[RPC_KEY];
  if (!isObject(rpc) || typeof rpc.id !== 'string' || !rpc.id) {
    return `${RPC_KEY} must be an object with a string id`;
  }
  const { kind, id } = rpc;
  if (kind === 'request' || kind === 'reply') {
    return { kind, id };
  }
  if (kind === 'error') {
    const name = typeof rpc.name === 'string' && rpc.name ? rpc.name : 'Error';
    const message = typeof rpc.message === 'string' ? rpc.message : '';
    return { kind, id, name, message };
  }
  if (kind === 'view' && typeof rpc.attached === 'boolean') {
    return { kind, id, attached: rpc.attached };
  }
  return `unknown ${RPC_KEY} kind ${JSON.stringify(kind)}`;
}

/** The data of a request, a reply, an error, or a view's attach/detach. */
export const rpcMessage = {
  request: (id: string, data: IJSONObject): IJSONObject => ({
    [RPC_KEY]: { kind: 'request', id },
    data
  }),
  reply: (id: string, data: IJSONObject): IJSONObject => ({
    [RPC_KEY]: { kind: 'reply', id },
    data
  }),
  error: (id: string, error: unknown): IJSONObject => {
    const { name, message } = errorParts(error);
    return { [RPC_KEY]: { kind: 'error', id, name, message } };
  },
  view: (id: string, attached: boolean): IJSONObject => ({
    [RPC_KEY]: { kind: 'view', id, attached }
  })
};

/** An error's type name and message, whatever was thrown. */
function errorParts(error: unknown): { name: string; message: string } {
  if (error instanceof Error) {
    return { name: error.name || 'Error', message: error.message };
  }
  return { name: 'Error', message: String(error) };
}

/** The data of a message, when it is an object (an RPC request's or reply's payload). */
export function payloadOf(data: IJSONObject): IJSONObject {
  return isObject(data.data) ? data.data : {};
}

/** The requests a comm's view is waiting on, each settled once: by its reply, or a timeout. */
export class PendingRequests<T> {
  constructor(private readonly _prefix: string) {}

  get size(): number {
    return this._pending.size;
  }

  /** A new request id, and the promise its reply settles; `timeoutMs` rejects it. */
  add(timeoutMs: number, timeoutMessage: string): [string, Promise<T>] {
    const id = `${this._prefix}-${++this._count}`;
    const promise = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(new RequestError('TimeoutError', timeoutMessage));
      }, timeoutMs);
      this._pending.set(id, { resolve, reject, timer });
    });
    return [id, promise];
  }

  resolve(id: string, value: T): void {
    this._take(id)?.resolve(value);
  }

  reject(id: string, error: Error): void {
    this._take(id)?.reject(error);
  }

  /** Rejects every waiting request (the comm closed, the view went away). */
  rejectAll(error: Error): void {
    for (const id of [...this._pending.keys()]) {
      this.reject(id, error);
    }
  }

  private _take(id: string): IWaiter<T> | undefined {
    const waiter = this._pending.get(id);
    if (waiter) {
      clearTimeout(waiter.timer);
      this._pending.delete(id);
    }
    return waiter;
  }

  private _count = 0;
  private _pending = new Map<string, IWaiter<T>>();
}

interface IWaiter<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}
