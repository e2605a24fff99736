/**
 * The Comm Inspector side panel: live comms with their traffic, rates and transfers; the
 * kernel's credit state; the message log since the connection started; the kernel's targets;
 * and actions (open, send, close). Everything the kernel says is shown with textContent, never
 * as HTML. Redraws at most once per frame, and while visible asks the kernel for its state
 * once a second (never while hidden).
 */
import { Widget } from '@lumino/widgets';
import { TransferList } from '../chunks/progressview';
import { transfers } from '../chunks/transfers';
import { frameScheduler } from '../util/coalesce';
import { el } from '../util/dom';
import { commOptions, commRows } from './commtable';
import { flowNodes } from './flowview';
import { InspectorModel } from './inspectormodel';
import { LogView } from './logview';
import { download, logFile } from './savelog';
import { InspectorForms } from './forms';
import { section } from './dom';

/** How often the visible panel asks the kernel for its state, in ms. */
const POLL_EVERY = 1000;

export class CommInspector extends Widget {
  constructor(model: InspectorModel) {
    super();
    this.model = model;
    this.id = 'ipycomm-inspector';
    this.title.label = 'Comms';
    this.title.caption = 'Comm Inspector';
    this.addClass('jp-ipycomm-inspector');
    this._forms = new InspectorForms(model, {
      render: () => this._render(),
      saveLog: () => this._saveLog()
    });
    this._build();
    model.changed.connect(this._schedule, this);
    transfers.changed.connect(this._schedule, this);
    this._render();
  }

  readonly model: InspectorModel;

  dispose(): void {
    this._stopPolling();
    this.model.changed.disconnect(this._schedule, this);
    transfers.changed.disconnect(this._schedule, this);
    this._transfers?.dispose();
    super.dispose();
  }

  protected onAfterShow(): void {
    // Targets may have been registered since; comm traffic is recorded all along.
    void this.model.refresh();
    this._render();
    this._startPolling();
  }

  protected onAfterAttach(): void {
    if (this.isVisible) {
      this._startPolling();
    }
  }

  protected onAfterHide(): void {
    this._stopPolling();
  }

  protected onBeforeDetach(): void {
    this._stopPolling();
  }

  private _startPolling(): void {
    if (this._timer === null) {
      this._timer = setInterval(() => this._tick(), POLL_EVERY);
    }
  }

  private _stopPolling(): void {
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
  }

  /** Once a second while shown: the kernel's state, and the rates and times move on. */
  private _tick(): void {
    if (!this.isVisible || document.hidden) {
      return;
    }
    void this.model.poll();
    this._schedule();
  }

  private _build(): void {
    this._kernel = el('div', 'jp-ipycomm-inspector-kernel');
    this._notice = el('div', 'jp-ipycomm-inspector-notice');
    this._notice.setAttribute('role', 'status');
    this._comms = el('table', 'jp-ipycomm-inspector-comms');
    this._comms.setAttribute('aria-label', 'Live comms');
    this._flow = el('div', 'jp-ipycomm-inspector-flow');
    this.node.append(
      this._kernel,
      this._notice,
      section('Live comms', this._comms),
      section('Flow control', this._flow),
      section('Messages', this._forms.logBar, this._logView.node),
      section('Send on a comm', this._forms.send),
      this._buildTransfers(),
      section('Kernel targets', this._forms.targets, this._forms.open)
    );
  }

  /** Large messages in flight on any kernel of the page (docs/chunking.md), with Cancel. */
  private _buildTransfers(): HTMLElement {
    this._transfers = new TransferList(transfers, () => true, false, true);
    const empty = el(
      'div',
      'jp-ipycomm-inspector-empty',
      'No transfers in flight'
    );
    const node = section('Transfers', this._transfers.node, empty);
    this._transfers.node.addEventListener('ipycomm-transfers-rendered', () => {
      empty.hidden = !this._transfers!.node.hidden;
    });
    return node;
  }

  private _schedule(): void {
    if (!this._scheduled) {
      this._scheduled = true;
      frameScheduler.request(() => {
        this._scheduled = false;
        this._render();
      });
    }
  }

  private _render(): void {
    if (this.isDisposed) {
      return;
    }
    const { kernel, log } = this.model;
    this._kernel.textContent = kernel
      ? `Kernel ${kernel.name} · ${kernel.id.slice(0, 8)}`
      : 'No kernel: open a notebook or console with a running kernel';
    const notice = this._forms.notice || this.model.notice;
    this._notice.textContent = notice;
    this._notice.hidden = !notice;
    this._renderComms();
    this._flow.replaceChildren(
      ...flowNodes(
        this.model.flow,
        kernel?.clientId ?? '',
        this.model.ipycommKernel
      )
    );
    this._forms.renderTargets(this.model.targets);
    const shown = this._logView.render(log.entries, this._forms.filter);
    this._forms.renderCount(shown, log);
  }

  private _renderComms(): void {
    const comms = this.model.stats.comms;
    const kernelId = this.model.kernel?.id;
    this._comms.replaceChildren(
      ...commRows(
        comms,
        {
          now: Date.now(),
          transfersOf: commId =>
            transfers.active.filter(
              t => t.kernelId === kernelId && t.commId === commId
            )
        },
        {
          filter: commId => this._forms.setFilter(commId),
          close: commId => void this._forms.close(commId)
        }
      )
    );
    this._forms.renderComms(commOptions(comms));
  }

  private _saveLog(): void {
    const kernel = this.model.kernel;
    download(
      logFile(this.model.log.entries, {
        kernelId: kernel?.id ?? 'none',
        kernelName: kernel?.name ?? '',
        since: this.model.recordingSince
      })
    );
  }

  private _forms: InspectorForms;
  private _logView = new LogView();
  private _transfers: TransferList | null = null;
  private _scheduled = false;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _kernel!: HTMLDivElement;
  private _notice!: HTMLDivElement;
  private _comms!: HTMLTableElement;
  private _flow!: HTMLDivElement;
}
