/**
 * The my_widget widget, a message console for a comm: its reducer, and its view, which also
 * shows comms of targets no widget claims. Received messages are shown as text (never parsed
 * as HTML, since they come from the kernel); the user sends JSON. The log keeps the newest
 * 200, so the view also says how many arrived in all.
 *
 * A kernel may push thousands of messages a second, so the log is updated incrementally and
 * scrolled at most once per frame (scrolling forces a layout).
 */
import { frameScheduler, IScheduler } from '../util/coalesce';
import {
  fail,
  IJSONObject,
  isObject,
  ok,
  parseUserJson,
  preview,
  Result
} from '../util/json';
import { IWidgetDefinition, IWidgetModel, parseAction } from './api';
import { CommView, el } from './view';

/** The message console's target; the examples open comms to it from either side. */
export const MY_WIDGET_TARGET = 'my_widget';

/**
 * Applies a my_widget message to its state. my_widget is a free-form message console, so
 * unknown actions are logged rather than rejected; only shapes we would misread are errors.
 */
export function reduceMyWidget(
  state: IJSONObject,
  data: unknown
): Result<IJSONObject> {
  const action = parseAction(data);
  if (!action.ok) {
    return action;
  }
  const msg = data as IJSONObject;
  switch (action.value) {
    case 'state':
      if (!isObject(msg.state)) {
        return fail(`"state" must be an object, got ${preview(msg.state)}`);
      }
      return ok({ ...state, ...msg.state });
    case 'value_updated':
    case 'update':
      if (!('value' in msg)) {
        return fail(`${action.value}: missing "value"`);
      }
      return ok({ ...state, value: msg.value });
    default:
      return ok(state);
  }
}

/** The console view: the comm's state, the messages received, and a box to send JSON. */
export class MyWidgetView extends CommView {
  constructor(model: IWidgetModel, scheduler: IScheduler = frameScheduler) {
    super(model);
    this._scheduler = scheduler;
    this.addClass('jp-ipycomm-mywidget');
    this.init();
  }

  protected build(): void {
    this._state = el('div', 'jp-ipycomm-mywidget-state');
    this._count = el('div', 'jp-ipycomm-count');
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
      this._count,
      this._log,
      this._text,
      this._inputError,
      buttons
    );
  }

  protected render(): void {
    const { connected, state, targetName, commId } = this.model;
    this._state.textContent = `${targetName} ${commId.slice(0, 8)} · state ${preview(state, 200)}`;
    this._renderLog();
    this._text.disabled = !connected;
    this._send.disabled = !connected;
    this._close.disabled = !connected;
  }

  /** Appends what arrived since the last render and drops what the model's log dropped. */
  private _renderLog(): void {
    const { log, received } = this.model;
    const fresh = Math.min(received - this._rendered, log.length);
    this._rendered = received;
    this._count.textContent = countText(received, log.length);
    if (fresh <= 0) {
      return;
    }
    this._log.append(
      ...log
        .slice(log.length - fresh)
        .map(entry => el('li', 'jp-ipycomm-log-entry', preview(entry, 500)))
    );
    while (this._log.childElementCount > log.length) {
      this._log.firstElementChild?.remove();
    }
    if (!this._scrollPending) {
      this._scrollPending = true;
      this._scheduler.request(() => {
        this._scrollPending = false;
        this._log.scrollTop = this._log.scrollHeight;
      });
    }
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

  private _scheduler: IScheduler;
  private _rendered = 0;
  private _scrollPending = false;
  private _state!: HTMLDivElement;
  private _count!: HTMLDivElement;
  private _log!: HTMLOListElement;
  private _text!: HTMLTextAreaElement;
  private _inputError!: HTMLDivElement;
  private _send!: HTMLButtonElement;
  private _close!: HTMLButtonElement;
}

/** "20000 messages received", and how many of them the log shows when not all. */
export function countText(received: number, shown: number): string {
  const total = `${received} ${received === 1 ? 'message' : 'messages'} received`;
  return shown < received ? `${total}, the last ${shown} shown` : total;
}

/** my_widget's entry in the widget table (index.ts). */
export const myWidget: IWidgetDefinition = {
  target: MY_WIDGET_TARGET,
  reducer: reduceMyWidget,
  createView: model => new MyWidgetView(model)
};
