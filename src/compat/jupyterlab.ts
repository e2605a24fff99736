/**
 * Every private of JupyterLab that ipycomm uses (members of @jupyterlab/services'
 * KernelConnection, all there from 7.4.0, JupyterLab 4.4, to 7.7.0-beta.3), and the only code
 * that touches them (docs/compat.md).
 *
 * Each private has one accessor here, which gives null when the private is missing: the
 * feature that needs it is then off, and the page works as it would without that feature.
 * `supportOf` checks a connection once per connection class, and warns once per page for each
 * feature that is off, naming the feature, the missing private and what changes.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';

type Message = KernelMessage.IMessage;

/** The private names no other module may use (src/__tests__/compat/privates.spec.ts). */
export const PRIVATES = [
  '_sendMessage',
  '_handleMessage',
  '_updateStatus',
  '_targetRegistry'
] as const;

export type Private = (typeof PRIVATES)[number];

/** A part of ipycomm that rests on privates: named, with what happens without it. */
export interface IFeature {
  readonly name: string;
  readonly needs: ReadonlyArray<Private>;
  readonly off: string;
}

export const FEATURES = {
  chunks: {
    name: 'chunked messages',
    needs: ['_sendMessage', '_handleMessage'],
    off:
      'large comm messages go whole, and messages over the server websocket limit ' +
      '(10 MiB) are lost'
  },
  subshellCloses: {
    name: 'comm closes before subshell deletes',
    needs: ['_sendMessage', '_handleMessage'],
    off: "a comm's subshell may be deleted before the kernel handles its close"
  },
  commStatuses: {
    name: 'quiet comm statuses',
    needs: ['_updateStatus'],
    off: 'every comm request shows the kernel busy and idle, as stock JupyterLab does'
  },
  unknownTargets: {
    name: 'reasons for unknown targets',
    needs: ['_targetRegistry'],
    off: 'a comm the kernel opens to a target this page lacks is closed without a reason'
  }
} as const satisfies Record<string, IFeature>;

export type FeatureKey = keyof typeof FEATURES;

/** Which features run on a connection. */
export type ISupport = Readonly<Record<FeatureKey, boolean>>;

type Members = Partial<Record<Private, unknown>>;

const PROBES: Record<Private, (k: Members) => boolean> = {
  _sendMessage: k => typeof k._sendMessage === 'function',
  _handleMessage: k => typeof k._handleMessage === 'function',
  _updateStatus: k => typeof k._updateStatus === 'function',
  _targetRegistry: k =>
    typeof k._targetRegistry === 'object' && k._targetRegistry !== null
};

/** Where warnings go, and which features were warned about already (one line each). */
export interface IWarnings {
  warn(message: string): void;
  readonly warned: Set<FeatureKey>;
}

const pageWarnings: IWarnings = {
  warn: message => console.warn(message),
  warned: new Set()
};

const checked = new WeakMap<object, ISupport>();

/**
 * The features that run on `kernel` (an object with a KernelConnection's members, or its
 * class's prototype). Checked once per connection class; a feature that is off is reported
 * through `warnings` once per page.
 */
export function supportOf(
  kernel: object,
  warnings: IWarnings = pageWarnings
): ISupport {
  // Plain objects (fakes) are their own class.
  const ctor = kernel.constructor;
  const key = typeof ctor === 'function' && ctor !== Object ? ctor : kernel;
  let support = checked.get(key);
  if (!support) {
    support = check(kernel as Members);
    checked.set(key, support);
  }
  for (const name of Object.keys(FEATURES) as FeatureKey[]) {
    if (!support[name]) {
      warnOnce(name, kernel as Members, warnings);
    }
  }
  return support;
}

/**
 * At plugin activation, before any connection exists: whether JupyterLab's connection class
 * has the status update that quiet comm statuses need (if not, warned once, and the page
 * keeps JupyterLab's statuses for comm requests).
 */
export function quietStatusesPossible(
  connectionClass: { prototype: object },
  warnings: IWarnings = pageWarnings
): boolean {
  const on = PROBES._updateStatus(connectionClass.prototype as Members);
  if (!on) {
    warnOnce('commStatuses', connectionClass.prototype as Members, warnings);
  }
  return on;
}

function warnOnce(
  name: FeatureKey,
  kernel: Members,
  warnings: IWarnings
): void {
  if (!warnings.warned.has(name)) {
    warnings.warned.add(name);
    warnings.warn(describeOff(name, kernel));
  }
}

function check(kernel: Members): ISupport {
  const on = (name: FeatureKey) =>
    FEATURES[name].needs.every(p => PROBES[p](kernel));
  return {
    chunks: on('chunks'),
    subshellCloses: on('subshellCloses'),
    commStatuses: on('commStatuses'),
    unknownTargets: on('unknownTargets')
  };
}

function describeOff(name: FeatureKey, kernel: Members): string {
  const feature: IFeature = FEATURES[name];
  const missing = feature.needs.filter(p => !PROBES[p](kernel));
  const what = missing.map(p => `KernelConnection.${p}`).join(' and ');
  return (
    `ipycomm: ${feature.name} is off (${what} ` +
    `${missing.length === 1 ? 'is' : 'are'} missing in this JupyterLab): ${feature.off}`
  );
}

// -- accessors ------------------------------------------------------------------------------

/** Where every message of a connection passes: out to the websocket, in from the kernel. */
export interface IMessagePath {
  send(msg: Message, queue?: boolean): void;
  handle(msg: Message): Promise<void>;
}

/** The connection's own send and handle, bound; null when either is missing. */
export function messagePathOf(
  kernel: Kernel.IKernelConnection
): IMessagePath | null {
  const k = kernel as unknown as Members;
  if (!PROBES._sendMessage(k) || !PROBES._handleMessage(k)) {
    return null;
  }
  const path = kernel as unknown as Required<IWrappable>;
  return {
    send: path._sendMessage.bind(kernel),
    handle: path._handleMessage.bind(kernel)
  };
}

/** Makes every message the connection sends or handles from now on go through `path`. */
export function setMessagePath(
  kernel: Kernel.IKernelConnection,
  path: IMessagePath
): void {
  const k = kernel as unknown as IWrappable;
  k._sendMessage = (msg: Message, queue = true) => path.send(msg, queue);
  k._handleMessage = (msg: Message) => path.handle(msg);
}

interface IWrappable {
  _sendMessage(msg: Message, queue?: boolean): void;
  _handleMessage(msg: Message): Promise<void>;
}

/** The connection's own status update, which its `statusChanged` listeners follow; null
 * without one. */
export function statusUpdaterOf(
  kernel: Kernel.IKernelConnection
): ((status: KernelMessage.Status) => void) | null {
  const k = kernel as unknown as {
    _updateStatus?: (status: KernelMessage.Status) => void;
  };
  const update = k._updateStatus;
  return typeof update === 'function' ? status => update.call(k, status) : null;
}

/** The connection's comm targets by name (read only); null when it cannot be read. */
export function targetRegistryOf(
  kernel: Kernel.IKernelConnection
): Readonly<Record<string, unknown>> | null {
  const k = kernel as unknown as Members;
  return PROBES._targetRegistry(k)
    ? (k._targetRegistry as Record<string, unknown>)
    : null;
}
