/**
 * The mime renderer for VIEW_MIME_TYPE outputs: shows a view of the output's comm model. The
 * model's latest state goes into the output when the notebook is saved, so a reopened
 * notebook shows it at once, and never on a mere change: a kernel push does not mark the
 * notebook modified, nor does every page of a shared notebook rewrite it (docstates.ts).
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Kernel } from '@jupyterlab/services';
import { PanelLayout, Widget } from '@lumino/widgets';
import { CommManager, Reasons } from './manager';
import type { IDocumentStates } from './docstates';
import { CommModel } from './model';
import { IViewData, parseViewData, VIEW_MIME_TYPE } from '../kernel/protocol';
import type { IViewContext } from '../widgets/api';

export interface IRendererDeps {
  manager: CommManager;
  /** The kernel of the notebook or console containing `widget`, once it is known. */
  kernelFor: (widget: Widget) => Promise<Kernel.IKernelConnection | null>;
  createView: (model: CommModel, context: IViewContext) => Widget;
  /**
   * Resolves once the page knows what the kernel defined from Python (the modules of its
   * frontend targets), so that a re-attached view picks the right kind of view.
   */
  definitionsOf?: (kernel: Kernel.IKernelConnection) => Promise<void>;
  /** The document holding `widget` (attached), where its state is saved and shared. */
  documentFor?: (widget: Widget) => IDocumentStates | null;
  /**
   * Minimum time between two shares of the state in a collaborative document (each one is a
   * shared-document update, so a drag must not share on every frame).
   */
  persistDelayMs?: number;
}

export class CommViewRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(deps: IRendererDeps) {
    super();
    this._deps = deps;
    this.layout = new PanelLayout();
    this.addClass('jp-ipycomm-renderer');
  }

  async renderModel(mimeModel: IRenderMime.IMimeModel): Promise<void> {
    this._mimeModel = mimeModel;
    const parsed = parseViewData(mimeModel.data[VIEW_MIME_TYPE]);
    if (!parsed.ok) {
      this._showText(`Cannot show this comm view: ${parsed.error}`);
      return;
    }
    const view = parsed.value;
    if (view.comm_id === this._view?.comm_id) {
      // Our own state write-back re-renders the output; the view is already right.
      return;
    }
    this._view = view;
    const { manager } = this._deps;
    const known = manager.registry.get(view.comm_id);
    if (known) {
      this._show(known);
      return;
    }
    this._show(manager.detached(view, Reasons.reconnecting));
    if (this.isAttached) {
      await this._resolve();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model?.changed.disconnect(this._scheduleShare, this);
    this._document?.saving.disconnect(this._persist, this);
    clearTimeout(this._timer);
    super.dispose();
  }

  protected onAfterAttach(): void {
    // Finding the kernel and the document needs the notebook around us, known once attached.
    this._bindDocument();
    if (
      this._model &&
      !this._model.connected &&
      this._model.reason === Reasons.reconnecting
    ) {
      void this._resolve();
    }
  }

  private async _resolve(): Promise<void> {
    const view = this._view;
    if (!view || this._resolving === view) {
      return;
    }
    this._resolving = view;
    this._bindDocument();
    let kernel: Kernel.IKernelConnection | null = null;
    try {
      kernel = await this._deps.kernelFor(this);
    } catch {
      // The session failed to start or was disposed: resolve() shows "no kernel".
    }
    // A shared notebook may hold a newer state than the output (a page shared it).
    const state = this._document?.stateOf(view.comm_id) ?? view.state;
    const model = await this._deps.manager.resolve({ ...view, state }, kernel);
    if (kernel && model.connected) {
      await this._definitions(kernel);
    }
    if (!this.isDisposed && this._view?.comm_id === view.comm_id) {
      this._show(model);
    }
  }

  /** Waits for the kernel's definitions, for at most 10 s (a view must not wait forever). */
  private async _definitions(kernel: Kernel.IKernelConnection): Promise<void> {
    const definitions = this._deps.definitionsOf?.(kernel);
    if (!definitions) {
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>(resolve => {
      timer = setTimeout(resolve, 10000);
    });
    await Promise.race([definitions, timeout]);
    clearTimeout(timer);
  }

  private _show(model: CommModel): void {
    this._model?.changed.disconnect(this._scheduleShare, this);
    this._model = model;
    model.changed.connect(this._scheduleShare, this);
    const trusted = this._mimeModel?.trusted ?? false;
    this._replace(this._deps.createView(model, { trusted }));
  }

  private _showText(text: string): void {
    const widget = new Widget();
    widget.addClass('jp-ipycomm-error');
    widget.node.textContent = text;
    this._replace(widget);
  }

  private _replace(widget: Widget): void {
    const layout = this.layout as PanelLayout;
    for (const old of [...layout.widgets]) {
      old.dispose();
    }
    layout.addWidget(widget);
  }

  /** Connects to the document holding the output, once: its saves write the state. */
  private _bindDocument(): void {
    if (this._document || !this.isAttached) {
      return;
    }
    this._document = this._deps.documentFor?.(this) ?? null;
    this._document?.saving.connect(this._persist, this);
  }

  /** Shares at once, then at most once per delay (only a collaborative document's writer). */
  private _scheduleShare(): void {
    if (this._timer !== undefined) {
      this._sharePending = true;
      return;
    }
    this._share();
    this._timer = setTimeout(() => {
      this._timer = undefined;
      if (this._sharePending) {
        this._sharePending = false;
        this._scheduleShare();
      }
    }, this._deps.persistDelayMs ?? 250);
  }

  private _share(): void {
    const model = this._model;
    if (model && model.connected && !this.isDisposed) {
      this._document?.share(model.commId, model.state);
    }
  }

  /** Writes the model's latest state into the output: the document is being saved. */
  private _persist(): void {
    const model = this._model;
    const mimeModel = this._mimeModel;
    const view = this._view;
    if (!model || !mimeModel || !view || this.isDisposed) {
      return;
    }
    const saved: IViewData = { ...view, state: model.state };
    if (
      JSON.stringify(saved) === JSON.stringify(mimeModel.data[VIEW_MIME_TYPE])
    ) {
      return;
    }
    this._view = saved;
    mimeModel.setData({
      data: { ...mimeModel.data, [VIEW_MIME_TYPE]: { ...saved } }
    });
  }

  private _deps: IRendererDeps;
  private _mimeModel: IRenderMime.IMimeModel | null = null;
  private _view: IViewData | null = null;
  private _resolving: IViewData | null = null;
  private _model: CommModel | null = null;
  private _document: IDocumentStates | null = null;
  private _timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private _sharePending = false;
}

/**
 * The rendermime factory. Safe: built-in views render as DOM text only, and a view whose
 * module the kernel defined runs it only when its output is trusted.
 */
export function createRendererFactory(
  deps: IRendererDeps
): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [VIEW_MIME_TYPE],
    defaultRank: 0,
    createRenderer: () => new CommViewRenderer(deps)
  };
}
