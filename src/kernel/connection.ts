/**
 * Registers ipycomm's comm targets on every kernel connection a notebook or console uses, in
 * one place: at startup, on kernel change, for notebooks opened before their kernel started,
 * and once per connection however many notebooks share the kernel.
 *
 * A restart keeps the same connection (and its registered targets) but destroys every comm,
 * so restarts are reported here too. Each connection is also one flow-control reader (reader.ts),
 * chunks and reassembles large comm messages (src/chunks/), and keeps a comm close from dying
 * with its subshell (subshellclose.ts).
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { ISignal } from '@lumino/signaling';
import { watchChunks } from '../chunks/connection';
import { statusUpdaterOf, supportOf } from '../compat';
import { showSlowCommRequests } from './commstatus';
import { watchCredits } from './reader';
import { orderSubshellCloses } from './subshellclose';
import { refuseUnknownTargets } from './unknowntargets';

export interface IKernelEvents {
  onCommOpen(
    kernel: Kernel.IKernelConnection,
    comm: Kernel.IComm,
    msg: KernelMessage.ICommOpenMsg
  ): void;
  onKernelLost(kernel: Kernel.IKernelConnection, reason: string): void;
  onConnectionDisposed(kernel: Kernel.IKernelConnection): void;
  /** onCommOpen threw: tell the user under the cell that opened the comm. */
  onOpenFailed?(msg: KernelMessage.ICommOpenMsg, reason: string): void;
  /** A connection got ipycomm's targets (once per connection). */
  onConnection?(kernel: Kernel.IKernelConnection): void;
}

/** Statuses after which the kernel's comms no longer exist, with the reason users see. */
const LOST: Partial<Record<KernelMessage.Status, string>> = {
  restarting: 'The kernel restarted',
  autorestarting: 'The kernel restarted',
  dead: 'The kernel shut down or died'
};

/** The events of every connection with ipycomm's targets, for targets added later. */
const registered = new Map<Kernel.IKernelConnection, IKernelEvents>();

/**
 * Registers one target on a connection: its comm_opens go to `events.onCommOpen`, and a
 * failure there closes the comm with the reason, shown at the cell that opened it.
 */
export function registerTarget(
  kernel: Kernel.IKernelConnection,
  target: string,
  events: IKernelEvents
): void {
  kernel.registerCommTarget(target, (comm, msg) => {
    try {
      events.onCommOpen(kernel, comm, msg);
    } catch (e) {
      // Rethrowing would close the comm with no explanation: close it with one, and show
      // it at the cell that opened the comm.
      const reason = `the frontend could not open a view for comm ${comm.commId} (target '${target}'): ${e}`;
      console.warn(`ipycomm: ${reason}`, e);
      events.onOpenFailed?.(msg, reason);
      try {
        comm.close({ reason });
      } catch {
        // The connection is already gone; the comm is closed either way.
      }
    }
  });
}

/** Registers a target added after start-up on every connection that has ipycomm's targets. */
export function registerOnEveryConnection(target: string): void {
  for (const [kernel, events] of registered) {
    registerTarget(kernel, target, events);
  }
}

/**
 * Registers the targets on a connection, and makes the connection a flow-control reader whose
 * batch targets are these targets (their models unpack batches). Calling it again for the same
 * connection is a no-op.
 */
export function registerTargets(
  kernel: Kernel.IKernelConnection,
  targets: ReadonlyArray<string>,
  events: IKernelEvents
): void {
  if (registered.has(kernel) || kernel.isDisposed) {
    return;
  }
  registered.set(kernel, events);
  for (const target of targets) {
    registerTarget(kernel, target, events);
  }
  refuseUnknownTargets(kernel);
  events.onConnection?.(kernel);
  const support = supportOf(kernel);
  const reader = watchCredits(kernel, targets, { chunks: support.chunks });
  watchChunks(kernel, reader);
  orderSubshellCloses(kernel);
  showCommStatusesWhenSlow(kernel);
  kernel.statusChanged.connect((_, status) => {
    const reason = LOST[status];
    if (reason) {
      events.onKernelLost(kernel, reason);
    }
  });
  kernel.disposed.connect(() => {
    registered.delete(kernel);
    events.onConnectionDisposed(kernel);
  });
}

/**
 * A slow comm request's busy and idle (commstatus.ts), set through the connection's own
 * status update, which its `statusChanged` listeners follow; a connection without one (not
 * JupyterLab's) keeps showing no comm statuses.
 */
function showCommStatusesWhenSlow(kernel: Kernel.IKernelConnection): void {
  const show = statusUpdaterOf(kernel);
  if (show) {
    showSlowCommRequests(kernel, { current: () => kernel.status, show });
  }
}

/** Calls `onKernel` for the session's current kernel and every kernel it changes to. */
export function watchSessionContext(
  context: ISessionContext,
  onKernel: (kernel: Kernel.IKernelConnection) => void
): void {
  const connect = () => {
    const kernel = context.session?.kernel;
    if (kernel) {
      onKernel(kernel);
    }
  };
  context.kernelChanged.connect(connect);
  connect();
}

/** The part of a widget tracker we use (notebook and console trackers both fit). */
export interface ITrackerLike<T> {
  forEach(fn: (widget: T) => void): void;
  readonly widgetAdded: ISignal<unknown, T>;
}

/** Runs `fn` for every widget the tracker has now and every widget it gets later. */
function eachWidget<T>(
  tracker: ITrackerLike<T>,
  fn: (widget: T) => void
): void {
  tracker.forEach(fn);
  tracker.widgetAdded.connect((_, widget) => fn(widget));
}

/** A notebook or console panel: anything with a session whose kernel can change. */
export interface ISessionOwner {
  readonly sessionContext: ISessionContext;
}

/**
 * Registers the targets on the kernel of every panel the trackers have or will have, and on
 * every kernel those panels change to. Missing trackers (no console in some apps) are skipped.
 */
export function registerOnEveryKernel(
  trackers: ReadonlyArray<ITrackerLike<ISessionOwner> | null>,
  targets: ReadonlyArray<string>,
  events: IKernelEvents
): void {
  for (const tracker of trackers) {
    if (tracker) {
      eachWidget(tracker, panel =>
        watchSessionContext(panel.sessionContext, kernel =>
          registerTargets(kernel, targets, events)
        )
      );
    }
  }
}
