/**
 * The view of a comm whose target a kernel defined from Python: it runs the target's ES module
 * (`render({ comm, el })`) in its body, renders again in place when the target is redefined
 * (hot reload: same comm, same model), and shows a module's errors as text. It runs kernel
 * code only in trusted output, and never for a comm that is not connected.
 */
import type { IWidgetModel } from './api';
import type { RenderFunction } from './contract';
import {
  FrontendTargets,
  IFrontendTarget,
  ITargetDefined
} from './definitions';
import { describeError, ModuleLoader } from './loader';
import { ModuleComm } from './modulecomm';
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
    let render: RenderFunction;
    try {
      render = await this._deps.loader.load(target.name, target.esm);
    } catch (error) {
      if (generation === this._generation) {
        this._unmount();
        this._fail(
          `could not load the module of target '${target.name}'`,
          error
        );
      }
      return;
    }
    if (generation !== this._generation || this.isDisposed) {
      return;
    }
    this._unmount();
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

  private _fail(what: string, error: unknown): void {
    this._problem.classList.add('jp-ipycomm-error');
    this._problem.textContent = `${what}: ${describeError(error)}`;
    this._problem.hidden = false;
  }

  private _note(text: string): void {
    this._problem.classList.remove('jp-ipycomm-error');
    this._problem.textContent = text;
    this._problem.hidden = !text;
  }

  private _deps: IModuleViewDeps;
  private _host: HTMLElement = el('div', 'jp-ipycomm-module');
  private _problem: HTMLElement = el('pre', 'jp-ipycomm-module-problem');
  private _comm: ModuleComm | null = null;
  private _cleanup: (() => void) | null = null;
  private _announced = false;
  private _generation = 0;
  /** Gives up this view's hold on its target's scoped CSS (scopedcss.ts). */
  private _releaseCss: () => void = () => undefined;
}
