/**
 * The view of a comm whose target a kernel defined from Python: it runs the target's ES module
 * (`render({ comm, el })`) in its body, renders again in place when the target is redefined
 * (hot reload: same comm, same model), and shows a module's errors as text, their stacks
 * behind a disclosure. A request that failed because the comm closed is no error: the view
 * then says, calmly, that the comm was closed. It runs kernel code only in trusted output,
 * and never for a comm that is not connected.
 */
import { isCommClosed } from '../comms/rpc';
import type { IWidgetModel } from './api';
import type { RenderFunction } from './contract';
import {
  FrontendTargets,
  IFrontendTarget,
  ITargetDefined
} from './definitions';
import { errorNodes } from './errortext';
import { ModuleLoader } from './loader';
import { ModuleComm } from './modulecomm';
import { readyOrClosed, storeOf } from './syncedstate';
import { CommView, el } from './view';

export interface IModuleViewDeps {
  readonly targets: FrontendTargets;
  readonly loader: ModuleLoader;
  /** Whether the output that holds the view is trusted. */
  readonly trusted: boolean;
}

/** What a user reads when the notebook is not trusted. */
export function notTrustedText(target: string): string {
  return (
    `The module of comm target '${target}' was not run: this notebook is not trusted. ` +
    'Run the cell again, or trust the notebook ("Trust Notebook" in the command palette).'
  );
}

/** What a module view says when its comm closed under a running module. */
export const CLOSED_TEXT = 'This comm was closed.';

export class ModuleView extends CommView {
  constructor(model: IWidgetModel, deps: IModuleViewDeps) {
    super(model);
    this._deps = deps;
    this.addClass('jp-ipycomm-module-view');
    this.init();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._deps.targets.defined.disconnect(this._onDefined, this);
    this._generation += 1;
    this._unmount();
    this._releaseCss();
    super.dispose();
  }

  protected build(): void {
    this._problem.setAttribute('role', 'alert');
    this.body.append(this._host, this._problem);
    const { model } = this;
    this._releaseCss = this._deps.targets.styles.attach(
      model.kernelId,
      model.targetName,
      this.node
    );
    if (!this._deps.trusted) {
      this._note(notTrustedText(model.targetName));
      return;
    }
    if (!model.connected) {
      return; // the base view says why; a disconnected comm runs no module
    }
    this._deps.targets.defined.connect(this._onDefined, this);
    const target = this._deps.targets.get(model.kernelId, model.targetName);
    if (target) {
      void this._mount(target);
    } else {
      this._note(
        `Waiting for the kernel's module of target '${model.targetName}'…`
      );
    }
  }

  protected render(): void {
    // The module draws the body itself.
  }

  private _onDefined(_: unknown, defined: ITargetDefined): void {
    const { model } = this;
    if (
      defined.kernelId === model.kernelId &&
      defined.target.name === model.targetName &&
      model.connected
    ) {
      void this._mount(defined.target);
    }
  }

  /** Runs a module in a fresh element; a newer definition that arrives meanwhile wins. */
  private async _mount(target: IFrontendTarget): Promise<void> {
    const generation = ++this._generation;
    const render = await this._load(target, generation);
    if (!render || !(await this._stateReady(generation))) {
      return;
    }
    this._unmount();
    if (!this.model.connected) {
      this._note(CLOSED_TEXT); // it closed while the module loaded
      return;
    }
    const comm = new ModuleComm(this.model, this, error =>
      this._fail('a listener of the module raised', error)
    );
    this._comm = comm;
    try {
      const cleanup = await render({ comm, el: this._host });
      if (typeof cleanup === 'function') {
        this._cleanup = cleanup;
      }
    } catch (error) {
      if (this._comm === comm) {
        this._fail(`render() of target '${target.name}' raised`, error);
      }
      return;
    }
    if (this._comm === comm) {
      this._announced = true;
      comm.announce(true);
    }
  }

  /** The module's render function; null when it failed (shown) or is no longer wanted. */
  private async _load(
    target: IFrontendTarget,
    generation: number
  ): Promise<RenderFunction | null> {
    const current = () => generation === this._generation && !this.isDisposed;
    try {
      const render = await this._deps.loader.load(target.name, target.esm);
      return current() ? render : null;
    } catch (error) {
      if (current()) {
        this._unmount();
        this._fail(
          `could not load the module of target '${target.name}'`,
          error
        );
      }
      return null;
    }
  }

  /**
   * A comm with a synced state renders only once the kernel's current state is in the page,
   * so a view never shows a stale value first (after a reload, a late join, a reconnect).
   * False when a newer definition or the view's end came meanwhile (or during the load).
   */
  private async _stateReady(generation: number): Promise<boolean> {
    const store = storeOf(this.model);
    if (store && store.version < 0 && this.model.connected) {
      this._note(
        `Waiting for the kernel's state of comm ${this.model.commId}…`
      );
      await readyOrClosed(store, this.model);
    }
    return generation === this._generation && !this.isDisposed;
  }

  /** Stops the running module: its cleanup, its comm, its element, its error. */
  private _unmount(): void {
    const comm = this._comm;
    const cleanup = this._cleanup;
    this._comm = null;
    this._cleanup = null;
    if (cleanup) {
      try {
        cleanup();
      } catch (error) {
        console.warn('ipycomm: a module cleanup raised', error);
      }
    }
    if (comm) {
      if (this._announced) {
        comm.announce(false);
      }
      comm.dispose();
    }
    this._announced = false;
    const host = el('div', 'jp-ipycomm-module');
    this._host.replaceWith(host);
    this._host = host;
    this._note('');
  }

  /** Shows a module's error; one that only says the comm closed reads as a calm note. */
  private _fail(what: string, error: unknown): void {
    if (isCommClosed(error)) {
      this._note(CLOSED_TEXT);
      return;
    }
    this._problem.classList.add('jp-ipycomm-error');
    this._problem.replaceChildren(...errorNodes(what, error));
    this._problem.hidden = false;
  }

  private _note(text: string): void {
    this._problem.classList.remove('jp-ipycomm-error');
    this._problem.textContent = text;
    this._problem.hidden = !text;
  }

  private _deps: IModuleViewDeps;
  private _host: HTMLElement = el('div', 'jp-ipycomm-module');
  private _problem: HTMLElement = el('div', 'jp-ipycomm-module-problem');
  private _comm: ModuleComm | null = null;
  private _cleanup: (() => void) | null = null;
  private _announced = false;
  private _generation = 0;
  /** Gives up this view's hold on its target's scoped CSS (scopedcss.ts). */
  private _releaseCss: () => void = () => undefined;
}
