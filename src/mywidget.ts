/**
 * The my_widget view: a compact message console for a comm. Received messages are shown as
 * text (never parsed as HTML, since they come from the kernel); the user sends JSON.
 */
import { CommModel } from './model';
import { parseUserJson, preview } from './protocol';
import { CommView, el } from './view';

export class MyWidgetView extends CommView {
  constructor(model: CommModel) {
    super(model);
    this.addClass('jp-ipycomm-mywidget');
    this.init();
  }

  protected build(): void {
    this._state = el('div', 'jp-ipycomm-mywidget-state');
    this._log = el('ol', 'jp-ipycomm-log');
    this._log.setAttribute('aria-label', 'Messages received from the kernel');
    this._text = el('textarea', 'jp-ipycomm-json jp-mod-styled');
    this._text.rows = 2;
    this._text.placeholder = '{"action": "get_state"}';
    this._text.setAttribute('aria-label', 'JSON message to send');
    this._inputError = el('div', 'jp-ipycomm-input-error');
    this._inputError.setAttribute('role', 'alert');
    this._inputError.hidden = true;
    this._send = el(
      'button',
      'jp-ipycomm-button jp-mod-styled jp-mod-accept',
      'Send'
    );
    this._close = el('button', 'jp-ipycomm-button jp-mod-styled', 'Close');
    this._send.addEventListener('click', () => this._onSend());
    this._close.addEventListener('click', () => this.model.close());
    this._text.addEventListener('keydown', event => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this._onSend();
      }
    });
    const buttons = el('div', 'jp-ipycomm-buttons');
    buttons.append(this._send, this._close);
    this.body.append(
      this._state,
      this._log,
      this._text,
      this._inputError,
      buttons
    );
  }

  protected render(): void {
    const { connected, state, log, targetName, commId } = this.model;
    this._state.textContent = `${targetName} ${commId.slice(0, 8)} · state ${preview(state, 200)}`;
    this._log.replaceChildren(
      ...log.map(entry => el('li', 'jp-ipycomm-log-entry', preview(entry, 500)))
    );
    this._log.scrollTop = this._log.scrollHeight;
    this._text.disabled = !connected;
    this._send.disabled = !connected;
    this._close.disabled = !connected;
  }

  private _onSend(): void {
    const text = this._text.value;
    const parsed = text.trim()
      ? parseUserJson(text)
      : { ok: false as const, error: 'Type a JSON object to send' };
    if (!parsed.ok) {
      this._showInputError(parsed.error);
      return;
    }
    if (!this.model.send(parsed.value, this)) {
      this._showInputError('Not sent: the comm is not connected');
      return;
    }
    this._showInputError('');
  }

  private _showInputError(message: string): void {
    this._inputError.textContent = message;
    this._inputError.hidden = !message;
  }

  private _state!: HTMLDivElement;
  private _log!: HTMLOListElement;
  private _text!: HTMLTextAreaElement;
  private _inputError!: HTMLDivElement;
  private _send!: HTMLButtonElement;
  private _close!: HTMLButtonElement;
}
