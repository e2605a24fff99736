/**
 * What every comm view shares: it follows one model, and shows why it is disconnected, the
 * last protocol error, and what the kernel's handlers printed or raised for the messages this
 * view sent, as visible text (not only a disabled look or a console message).
 */
import { Widget } from '@lumino/widgets';
import { TransferList } from '../chunks/progressview';
import { transfers } from '../chunks/transfers';
import { el } from '../util/dom';
import type { IWidgetModel } from './api';

export { el };

export abstract class CommView extends Widget {
  constructor(model: IWidgetModel) {
    super();
    this.model = model;
    this.addClass('jp-ipycomm-view');
    this.body = document.createElement('div');
    this.body.className = 'jp-ipycomm-body';
    this._status = document.createElement('div');
    this._status.className = 'jp-ipycomm-status';
    this._status.setAttribute('role', 'status');
    this._error = document.createElement('div');
    this._error.className = 'jp-ipycomm-error';
    this._error.setAttribute('role', 'alert');
    this._outputs = el('div', 'jp-ipycomm-outputs');
    this._outputs.setAttribute('role', 'log');
    this._outputs.setAttribute('aria-label', 'Output of the kernel handlers');
    this._outputList = el('div', 'jp-ipycomm-output-list');
    const clear = el('button', 'jp-ipycomm-output-clear', '×');
    clear.title = 'Clear this output';
    clear.setAttribute('aria-label', 'Clear output');
    clear.addEventListener('click', () => this.model.clearOutputs(this));
    this._outputs.append(this._outputList, clear);
    // Large messages on this comm, either way (docs/chunking.md): progress, Cancel, failures.
    this._transfers = new TransferList(
      transfers,
      t => t.commId === model.commId && t.kernelId === model.kernelId,
      true
    );
    this.node.append(
      this.body,
      this._transfers.node,
      this._status,
      this._error,
      this._outputs
    );
    model.changed.connect(this._onModelChanged, this);
  }

  readonly model: IWidgetModel;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.changed.disconnect(this._onModelChanged, this);
    this._transfers.dispose();
    super.dispose();
  }

  /** Builds the view's controls into `body`; called once the subclass is constructed. */
  protected abstract build(): void;

  /** Brings the controls in line with the model. */
  protected abstract render(): void;

  /** Subclasses call this at the end of their constructor. */
  protected init(): void {
    this.build();
    this._onModelChanged();
  }

  protected readonly body: HTMLDivElement;

  private _onModelChanged(): void {
    const { connected, reason, error } = this.model;
    this.toggleClass('jp-ipycomm-mod-disconnected', !connected);
    this._status.textContent = connected ? '' : `Not connected: ${reason}`;
    this._status.hidden = connected;
    this._error.textContent = error ? `Error: ${error}` : '';
    this._error.hidden = !error;
    this._renderOutputs();
    this.render();
  }

  /** Kernel text goes in as textContent only: it is never parsed as HTML. */
  private _renderOutputs(): void {
    const outputs = this.model.outputs.visibleTo(this);
    this._outputList.replaceChildren(
      ...outputs.map(output =>
        el(
          'pre',
          `jp-ipycomm-output jp-ipycomm-output-${output.kind}`,
          output.text
        )
      )
    );
    this._outputs.hidden = outputs.length === 0;
  }

  private _transfers: TransferList;
  private _status: HTMLDivElement;
  private _error: HTMLDivElement;
  private _outputs: HTMLDivElement;
  private _outputList: HTMLDivElement;
}
