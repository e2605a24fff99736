/**
 * The frontend targets each kernel defined from Python (`ipycomm.frontend_target`): the source
 * of a target's ES module and CSS, with a version that grows on each redefinition. Views of
 * these targets render from here, and re-render when their target is redefined. The comm that
 * fills it is src/kernel/definitionscomm.ts; docs/frontend-targets.md has the protocol.
 */
import { PromiseDelegate } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';
import { fail, isObject, ok, preview, Result } from '../util/json';
import { ScopedStyles } from './scopedcss';

/** One target's browser side, as the kernel sent it. */
export interface IFrontendTarget {
  readonly name: string;
  readonly esm: string;
  readonly css: string | null;
  readonly version: number;
}

/** A target was defined or redefined in a kernel. */
export interface ITargetDefined {
  readonly kernelId: string;
  readonly target: IFrontendTarget;
}

/** Validates one definition from the kernel. */
export function parseFrontendTarget(value: unknown): Result<IFrontendTarget> {
  if (!isObject(value)) {
    return fail(`A target definition must be an object, got ${preview(value)}`);
  }
  const { name, esm, css, version } = value;
  if (typeof name !== 'string' || !name) {
    return fail(`A target definition has no name: ${preview(value)}`);
  }
  if (typeof esm !== 'string') {
    return fail(`The definition of target '${name}' has no module source`);
  }
  if (css !== null && css !== undefined && typeof css !== 'string') {
    return fail(`The CSS of target '${name}' is not a string`);
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version)) {
    return fail(`The definition of target '${name}' has no version`);
  }
  return ok({ name, esm, css: css ?? null, version });
}

export class FrontendTargets {
  /** Emitted when a kernel defines a target, or redefines it with a newer version. */
  get defined(): ISignal<this, ITargetDefined> {
    return this._defined;
  }

  get(kernelId: string, name: string): IFrontendTarget | undefined {
    return this._byKernel.get(kernelId)?.get(name);
  }

  /** Keeps a definition unless an equal or newer version is known; true if it was kept. */
  define(kernelId: string, target: IFrontendTarget): boolean {
    let targets = this._byKernel.get(kernelId);
    if (!targets) {
      targets = new Map();
      this._byKernel.set(kernelId, targets);
    }
    const known = targets.get(target.name);
    if (known && known.version >= target.version) {
      return false;
    }
    targets.set(target.name, target);
    this.styles.define(kernelId, target.name, target.css);
    this._defined.emit({ kernelId, target });
    return true;
  }

  /** The kernel restarted or went away: its definitions are gone with it. */
  forget(kernelId: string): void {
    this.styles.forget(kernelId);
    this._byKernel.delete(kernelId);
  }

  /** Resolves once the page has every definition the kernel had when the page connected. */
  synced(kernelId: string): Promise<void> {
    return this._syncOf(kernelId).promise;
  }

  /** The page has asked the kernel for its definitions, and has them (or there are none). */
  markSynced(kernelId: string): void {
    this._syncOf(kernelId).resolve();
  }

  private _syncOf(kernelId: string): PromiseDelegate<void> {
    let sync = this._sync.get(kernelId);
    if (!sync) {
      sync = new PromiseDelegate<void>();
      this._sync.set(kernelId, sync);
    }
    return sync;
  }

  /** Each target's CSS, scoped to its views (scopedcss.ts). */
  readonly styles = new ScopedStyles();

  private _byKernel = new Map<string, Map<string, IFrontendTarget>>();
  private _sync = new Map<string, PromiseDelegate<void>>();
  private _defined = new Signal<this, ITargetDefined>(this);
}
