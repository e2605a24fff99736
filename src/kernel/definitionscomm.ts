/**
 * The page's end of the definitions comm (docs/frontend-targets.md §4): the kernel sends on it
 * the module of each target defined from Python. A connection takes the kernel-opened comm as
 * any comm; a page that connects later (a reload, a second notebook) finds it with
 * comm_info_request and asks for every definition with `sync`. Each definition goes into the
 * FrontendTargets store, and its target is registered on the connection, so the comm_opens that
 * follow it get ipycomm's models and views.
 */
import type { Kernel } from '@jupyterlab/services';
import { isObject } from '../util/json';
import { FrontendTargets, parseFrontendTarget } from '../widgets/definitions';
import { DEFINITIONS_TARGET } from './protocol';

/** What the definitions comm needs of the rest of the page. */
export interface IDefinitionsDeps {
  readonly targets: FrontendTargets;
  /** Registers a target defined from Python on this connection. */
  registerTarget(kernel: Kernel.IKernelConnection, name: string): void;
}

/** Statuses after which the kernel's definitions are gone. */
const GONE = new Set(['restarting', 'autorestarting', 'dead']);

/** Takes the definitions comm of this connection's kernel, now and after restarts. */
export function watchDefinitions(
  kernel: Kernel.IKernelConnection,
  deps: IDefinitionsDeps
): void {
  const { targets } = deps;
  kernel.registerCommTarget(DEFINITIONS_TARGET, (comm, msg) => {
    adopt(kernel, comm, deps);
    apply(kernel, msg.content.data, deps);
    targets.markSynced(kernel.id);
  });
  kernel.statusChanged.connect((_, status) => {
    if (GONE.has(status)) {
      targets.forget(kernel.id);
    }
  });
  void sync(kernel, deps);
}

/** Attaches to a definitions comm the kernel opened before this page connected. */
async function sync(
  kernel: Kernel.IKernelConnection,
  deps: IDefinitionsDeps
): Promise<void> {
  let ids: string[] = [];
  try {
    const reply = await kernel.requestCommInfo({
      target_name: DEFINITIONS_TARGET
    });
    const content = reply.content as { status: string; comms?: unknown };
    ids =
      content.status === 'ok' && isObject(content.comms)
        ? Object.keys(content.comms)
        : [];
  } catch (e) {
    console.warn(
      'ipycomm: could not ask the kernel for its frontend targets',
      e
    );
  }
  const fresh = ids.filter(id => !kernel.hasComm(id));
  if (!fresh.length || kernel.isDisposed) {
    deps.targets.markSynced(kernel.id);
    return;
  }
  for (const id of fresh) {
    const comm = kernel.createComm(DEFINITIONS_TARGET, id);
    adopt(kernel, comm, deps);
    comm.send({ action: 'sync' });
  }
}

/** Applies what the kernel sends on a definitions comm. */
function adopt(
  kernel: Kernel.IKernelConnection,
  comm: Kernel.IComm,
  deps: IDefinitionsDeps
): void {
  comm.onMsg = msg => {
    apply(kernel, msg.content.data, deps);
    if (isObject(msg.content.data) && msg.content.data.action === 'targets') {
      deps.targets.markSynced(kernel.id);
    }
  };
}

/** Stores the definitions in an open data (`targets`), a `define` or a `targets` message. */
function apply(
  kernel: Kernel.IKernelConnection,
  data: unknown,
  deps: IDefinitionsDeps
): void {
  if (!isObject(data)) {
    return;
  }
  const list =
    data.action === 'define'
      ? [data.target]
      : Array.isArray(data.targets)
        ? data.targets
        : [];
  for (const value of list) {
    const target = parseFrontendTarget(value);
    if (!target.ok) {
      console.warn(`ipycomm: ignored a frontend target: ${target.error}`);
      continue;
    }
    deps.registerTarget(kernel, target.value.name);
    deps.targets.define(kernel.id, target.value);
  }
}
