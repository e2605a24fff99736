/**
 * The progress of chunked transfers as DOM: one row per transfer (direction, bytes taken of
 * the total, a progress bar, a Cancel button), for the transfers a filter picks. A comm view
 * shows its comm's transfers under its controls, and keeps the reason of the last one that
 * failed; the Comm Inspector lists them all.
 */
import { formatBytes } from '../util/bytes';
import { frameScheduler } from '../util/coalesce';
import { el } from '../util/dom';
import { ITransfer, Transfers } from './transfers';

/** One line for people: "Sending 12.0 MB of 50.0 MB" (", comm 1a2b…" with `withComm`). */
export function describeTransfer(
  transfer: ITransfer,
  withComm = false
): string {
  const verb = transfer.direction === 'send' ? 'Sending' : 'Receiving';
  const comm = withComm ? `, comm ${transfer.commId.slice(0, 8)}…` : '';
  return `${verb} ${formatBytes(transfer.done)} of ${formatBytes(transfer.size)}${comm}`;
}

export class TransferList {
  /**
   * `pick` chooses the transfers shown; `showFailures` keeps the last failure on screen;
   * `withComm` names each transfer's comm. The node fires `ipycomm-transfers-rendered`
   * after each redraw.
   */
  constructor(
    transfers: Transfers,
    pick: (transfer: ITransfer) => boolean,
    showFailures = false,
    withComm = false
  ) {
    this._transfers = transfers;
    this._pick = pick;
    this._showFailures = showFailures;
    this._withComm = withComm;
    this.node = el('div', 'jp-ipycomm-transfers');
    this.node.setAttribute('aria-label', 'Transfers in flight');
    this._failure = el('div', 'jp-ipycomm-transfer-failure');
    this._failure.setAttribute('role', 'alert');
    this._rows = el('div', 'jp-ipycomm-transfer-rows');
    this.node.append(this._rows, this._failure);
    transfers.changed.connect(this._onChanged, this);
    this._render();
  }

  readonly node: HTMLDivElement;

  dispose(): void {
    this._transfers.changed.disconnect(this._onChanged, this);
  }

  private _onChanged(_: Transfers, transfer: ITransfer): void {
    if (!this._pick(transfer)) {
      return;
    }
    if (transfer.state === 'active' && transfer.done === 0) {
      this._lastFailure = ''; // a new transfer: the old failure no longer applies
    } else if (transfer.state === 'failed' && this._showFailures) {
      const what = transfer.direction === 'send' ? 'sent' : 'received';
      this._lastFailure = `A message of ${formatBytes(transfer.size)} was not ${what}: ${transfer.reason}`;
    }
    if (!this._scheduled) {
      this._scheduled = true;
      frameScheduler.request(() => {
        this._scheduled = false;
        this._render();
      });
    }
  }

  private _render(): void {
    const active = this._transfers.active.filter(this._pick);
    this._rows.replaceChildren(...active.map(t => this._row(t)));
    this._failure.textContent = this._lastFailure;
    this._failure.hidden = !this._lastFailure;
    this.node.hidden = active.length === 0 && !this._lastFailure;
    this.node.dispatchEvent(new Event('ipycomm-transfers-rendered'));
  }

  private _row(transfer: ITransfer): HTMLElement {
    const row = el('div', 'jp-ipycomm-transfer');
    row.dataset.transfer = transfer.id;
    const label = el(
      'span',
      'jp-ipycomm-transfer-label',
      describeTransfer(transfer, this._withComm)
    );
    const bar = el('progress', 'jp-ipycomm-transfer-bar');
    bar.max = Math.max(1, transfer.size);
    bar.value = transfer.done;
    bar.setAttribute('aria-label', label.textContent ?? '');
    const cancel = el('button', 'jp-ipycomm-button jp-mod-styled', 'Cancel');
    cancel.addEventListener('click', () => this._transfers.cancel(transfer.id));
    row.append(label, bar, cancel);
    return row;
  }

  private _transfers: Transfers;
  private _pick: (transfer: ITransfer) => boolean;
  private _showFailures: boolean;
  private _withComm: boolean;
  private _rows: HTMLDivElement;
  private _failure: HTMLDivElement;
  private _lastFailure = '';
  private _scheduled = false;
}
