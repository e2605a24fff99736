/**
 * The inspector's forms, each control with a visible `<label for>`: send JSON on a comm, open a
 * comm to a kernel target, and the message log's bar (filter, pause, clear, save). Their
 * actions go to the model; what went wrong becomes the panel's notice.
 */
import { parseUserJson } from '../util/json';
import { el } from '../util/dom';
import { button, buttonRow, field, jsonBox } from './dom';
import { InspectorModel } from './inspectormodel';
import { MessageLog } from './messagelog';

export interface IFormHost {
  /** Redraw the panel now. */
  render(): void;
  saveLog(): void;
}

const ID = 'ipycomm-inspector';

export class InspectorForms {
  constructor(model: InspectorModel, host: IFormHost) {
    this._model = model;
    this._host = host;
    this.send = this._buildSend();
    this.open = this._buildOpen();
    this.logBar = this._buildLogBar();
  }

  readonly send: HTMLElement;
  readonly open: HTMLElement;
  readonly logBar: HTMLElement;
  readonly targets = el('ul', 'jp-ipycomm-inspector-targets');

  /** The outcome of the last action, or ''. */
  get notice(): string {
    return this._notice;
  }

  get filter(): string {
    return this._filter.value;
  }

  setFilter(text: string): void {
    this._filter.value = text;
    this._host.render();
  }

  renderComms(options: HTMLOptionElement[]): void {
    const selected = this._commSelect.value;
    this._commSelect.replaceChildren(...options);
    if (options.some(o => o.value === selected)) {
      this._commSelect.value = selected;
    }
  }

  renderTargets(names: ReadonlyArray<string>): void {
    this.targets.replaceChildren(
      ...names.map(name => {
        const item = el('li', 'jp-ipycomm-inspector-target', name);
        item.append(button('Use', () => (this._targetInput.value = name)));
        return item;
      })
    );
  }

  renderCount(shown: number, log: MessageLog): void {
    const missed = log.missed ? ` · ${log.missed} missed while paused` : '';
    this._count.textContent = `${shown} of ${log.entries.length}${missed}`;
    this._pause.textContent = log.paused ? 'Resume' : 'Pause';
    this._pause.setAttribute('aria-pressed', String(log.paused));
  }

  async close(commId: string): Promise<void> {
    this._tell(await this._model.close(commId));
  }

  private _buildSend(): HTMLElement {
    const node = el('div', 'jp-ipycomm-inspector-form');
    this._sendBox = jsonBox();
    node.append(
      field('Comm to send on', `${ID}-send-comm`, this._commSelect),
      field('JSON message to send', `${ID}-send-json`, this._sendBox),
      buttonRow(button('Send', () => void this._send(), 'jp-mod-accept'))
    );
    return node;
  }

  private _buildOpen(): HTMLElement {
    const node = el('div', 'jp-ipycomm-inspector-form');
    this._targetInput.placeholder = 'target name';
    this._openBox = jsonBox();
    node.append(
      field('Target to open a comm to', `${ID}-open-target`, this._targetInput),
      field('JSON data to open with', `${ID}-open-json`, this._openBox),
      buttonRow(
        button('Open comm', () => this._open()),
        button('Refresh', () => void this._model.refresh())
      )
    );
    return node;
  }

  private _buildLogBar(): HTMLElement {
    this._filter.placeholder = 'comm id or target';
    this._filter.addEventListener('input', () => this._host.render());
    this._pause = button('Pause', () => this._togglePause());
    const node = el('div', 'jp-ipycomm-inspector-form');
    node.append(
      field('Filter messages', `${ID}-filter`, this._filter),
      buttonRow(
        this._pause,
        button('Clear', () => this._clearLog()),
        button('Save log', () => this._host.saveLog()),
        this._count
      )
    );
    return node;
  }

  private _togglePause(): void {
    this._model.log.setPaused(!this._model.log.paused);
    this._host.render();
  }

  private _clearLog(): void {
    this._model.log.clear();
    this._host.render();
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
    this._model.open(target, data.value);
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
    this._tell(await this._model.send(this._commSelect.value, data.value));
  }

  private _tell(text: string): void {
    this._notice = text;
    this._host.render();
  }

  private _model: InspectorModel;
  private _host: IFormHost;
  private _notice = '';
  private _commSelect = el('select', 'jp-mod-styled');
  private _sendBox!: HTMLTextAreaElement;
  private _targetInput = el('input', 'jp-mod-styled');
  private _openBox!: HTMLTextAreaElement;
  private _filter = el('input', 'jp-mod-styled jp-ipycomm-inspector-filter');
  private _pause!: HTMLButtonElement;
  private _count = el('span', 'jp-ipycomm-inspector-count');
}
