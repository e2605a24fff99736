/**
 * The Comm Inspector side panel: live comms and their traffic, the kernel's targets, a
 * message log, and actions (open, send, close). Everything the kernel says is shown with
 * textContent, never as HTML. Redraws at most once per frame, so a drag does not flood the DOM.
 */
import { Widget } from '@lumino/widgets';
import { TransferList } from '../chunks/progressview';
import { transfers } from '../chunks/transfers';
import { frameScheduler } from '../util/coalesce';
import { parseUserJson } from '../util/json';
import { el } from '../widgets/view';
import { ICommStats } from './commstats';
import { button, commOptions, commRows, jsonBox, section } from './dom';
import { InspectorModel } from './inspectormodel';
import { describeEvent, filterLog } from './messagelog';

export class CommInspector extends Widget {
  constructor(model: InspectorModel) {
    super();
    this.model = model;
    this.id = 'ipycomm-inspector';
    this.title.label = 'Comms';
    this.title.caption = 'Comm Inspector';
    this.addClass('jp-ipycomm-inspector');
    this._build();
    model.changed.connect(this._schedule, this);
    this._render();
  }

  readonly model: InspectorModel;

  dispose(): void {
    this.model.changed.disconnect(this._schedule, this);
    this._transfers?.dispose();
    super.dispose();
  }

  protected onAfterShow(): void {
    // Targets may have been registered since; comm traffic is followed live anyway.
    void this.model.refresh();
    this._render();
  }

  private _build(): void {
    this._kernel = el('div', 'jp-ipycomm-inspector-kernel');
    this._notice = el('div', 'jp-ipycomm-inspector-notice');
    this._notice.setAttribute('role', 'status');
    this.node.append(
      this._kernel,
      this._notice,
      this._buildComms(),
      this._buildTransfers(),
      this._buildTargets(),
      this._buildLog()
    );
  }

  private _buildComms(): HTMLElement {
    this._comms = el('table', 'jp-ipycomm-inspector-comms');
    this._comms.setAttribute('aria-label', 'Live comms');
    this._commSelect = el('select', 'jp-mod-styled');
    this._commSelect.setAttribute('aria-label', 'Comm to send on');
    this._sendBox = jsonBox('JSON message to send');
    const sendRow = el('div', 'jp-ipycomm-buttons');
    sendRow.append(
      this._commSelect,
      button('Send', () => void this._send(), 'jp-mod-accept')
    );
    return section('Live comms', this._comms, this._sendBox, sendRow);
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

  private _buildTargets(): HTMLElement {
    this._targets = el('ul', 'jp-ipycomm-inspector-targets');
    this._targets.setAttribute('aria-label', 'Kernel targets');
    this._targetInput = el('input', 'jp-mod-styled');
    this._targetInput.placeholder = 'target name';
    this._targetInput.setAttribute('aria-label', 'Target to open a comm to');
    this._openBox = jsonBox('JSON data to open with');
    const openRow = el('div', 'jp-ipycomm-buttons');
    openRow.append(
      this._targetInput,
      button('Open comm', () => this._open()),
      button('Refresh', () => void this.model.refresh())
    );
    return section('Kernel targets', this._targets, this._openBox, openRow);
  }

  private _buildLog(): HTMLElement {
    this._filter = el('input', 'jp-mod-styled jp-ipycomm-inspector-filter');
    this._filter.placeholder = 'Filter by comm id or target';
    this._filter.setAttribute('aria-label', 'Filter messages');
    this._filter.addEventListener('input', () => this._render());
    this._pause = button('Pause', () => this._togglePause());
    this._count = el('span', 'jp-ipycomm-inspector-count');
    const logBar = el('div', 'jp-ipycomm-buttons');
    logBar.append(
      this._filter,
      this._pause,
      button('Clear', () => this._clearLog()),
      this._count
    );
    this._log = el('ol', 'jp-ipycomm-log jp-ipycomm-inspector-log');
    this._log.setAttribute('aria-label', 'Comm messages');
    return section('Messages', logBar, this._log);
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
    const { kernel, stats, targets, log } = this.model;
    this._kernel.textContent = kernel
      ? `Kernel ${kernel.name} · ${kernel.id.slice(0, 8)}`
      : 'No kernel: open a notebook or console with a running kernel';
    const notice = this._actionNotice || this.model.notice;
    this._notice.textContent = notice;
    this._notice.hidden = !notice;
    this._renderComms(stats.comms);
    this._targets.replaceChildren(
      ...targets.map(name => {
        const item = el('li', 'jp-ipycomm-inspector-target', name);
        item.append(button('Use', () => (this._targetInput.value = name)));
        return item;
      })
    );
    const shown = filterLog(log.entries, this._filter.value);
    this._log.replaceChildren(
      ...shown.map(e =>
        el(
          'li',
          `jp-ipycomm-log-entry jp-ipycomm-mod-${e.kind}`,
          describeEvent(e)
        )
      )
    );
    this._log.scrollTop = this._log.scrollHeight;
    const missed = log.missed ? ` · ${log.missed} missed while paused` : '';
    this._count.textContent = `${shown.length} of ${log.entries.length}${missed}`;
    this._pause.textContent = log.paused ? 'Resume' : 'Pause';
    this._pause.setAttribute('aria-pressed', String(log.paused));
  }

  private _renderComms(comms: ICommStats[]): void {
    this._comms.replaceChildren(
      ...commRows(comms, {
        filter: commId => this._setFilter(commId),
        close: commId => void this._close(commId)
      })
    );
    const selected = this._commSelect.value;
    this._commSelect.replaceChildren(...commOptions(comms));
    if (comms.some(c => c.commId === selected)) {
      this._commSelect.value = selected;
    }
  }

  private _setFilter(text: string): void {
    this._filter.value = text;
    this._render();
  }

  private _togglePause(): void {
    this.model.log.setPaused(!this.model.log.paused);
    this._render();
  }

  private _clearLog(): void {
    this.model.log.clear();
    this._render();
  }

  private _open(): void {
    const target = this._targetInput.value.trim();
    const data = parseUserJson(this._openBox.value);
    if (!target || !data.ok) {
      this._tell(
        target ? (data as { error: string }).error : 'Type a target name'
      );
      return;
    }
    this.model.open(target, data.value);
    this._tell('');
  }

  private async _send(): Promise<void> {
    const data = parseUserJson(this._sendBox.value);
    if (!this._commSelect.value || !data.ok) {
      this._tell(
        this._commSelect.value
          ? (data as { error: string }).error
          : 'No comm to send on'
      );
      return;
    }
    this._tell(await this.model.send(this._commSelect.value, data.value));
  }

  private async _close(commId: string): Promise<void> {
    this._tell(await this.model.close(commId));
  }

  private _tell(text: string): void {
    this._actionNotice = text;
    this._render();
  }

  private _transfers: TransferList | null = null;
  private _scheduled = false;
  private _actionNotice = '';
  private _kernel!: HTMLDivElement;
  private _notice!: HTMLDivElement;
  private _comms!: HTMLTableElement;
  private _commSelect!: HTMLSelectElement;
  private _sendBox!: HTMLTextAreaElement;
  private _targets!: HTMLUListElement;
  private _targetInput!: HTMLInputElement;
  private _openBox!: HTMLTextAreaElement;
  private _filter!: HTMLInputElement;
  private _pause!: HTMLButtonElement;
  private _count!: HTMLSpanElement;
  private _log!: HTMLOListElement;
}
