/**
 * The message log as DOM: one `<details>` per event, its line as the summary and its JSON
 * (pretty, built when first opened) inside. Entries are kept across redraws, so an opened one
 * stays open while messages arrive; the list follows the newest only while scrolled to the
 * bottom. Text only, never HTML.
 */
import { el } from '../util/dom';
import { describeEvent, filterLog } from './messagelog';
import { ICommEvent } from './traffic';

export class LogView {
  readonly node: HTMLOListElement;

  constructor() {
    this.node = el('ol', 'jp-ipycomm-log jp-ipycomm-inspector-log');
    this.node.setAttribute('aria-label', 'Comm messages');
    this.node.addEventListener('scroll', () => {
      const list = this.node;
      this._follow =
        list.scrollHeight - list.scrollTop - list.clientHeight < 24;
    });
  }

  /** Shows the events that match `filter`; returns how many. */
  render(events: ReadonlyArray<ICommEvent>, filter: string): number {
    const list = this.node;
    const shown = filterLog(events, filter);
    list.replaceChildren(...shown.map(e => this._entry(e)));
    if (this._follow) {
      list.scrollTop = list.scrollHeight;
    }
    return shown.length;
  }

  private _entry(event: ICommEvent): HTMLLIElement {
    let item = this._items.get(event);
    if (!item) {
      item = el('li', `jp-ipycomm-log-entry jp-ipycomm-mod-${event.kind}`);
      const details = el('details', '');
      details.append(el('summary', '', describeEvent(event)));
      details.addEventListener('toggle', () => {
        if (details.open && details.childElementCount === 1) {
          details.append(el('pre', 'jp-ipycomm-log-json', eventJson(event)));
        }
      });
      item.append(details);
      this._items.set(event, item);
    }
    return item;
  }

  /** Whether the list was scrolled to its bottom (or never scrolled): it follows the newest. */
  private _follow = true;
  private _items = new WeakMap<ICommEvent, HTMLLIElement>();
}

/** An event's message as people read it: header fields, then the data, pretty-printed. */
export function eventJson(event: ICommEvent): string {
  const shown = {
    direction: event.direction === 'in' ? 'kernel → page' : 'page → kernel',
    kind: event.kind,
    comm_id: event.commId,
    target_name: event.targetName,
    msg_id: event.msgId,
    bytes: event.bytes,
    buffers: event.bufferSizes,
    data: event.data
  };
  try {
    return JSON.stringify(shown, null, 2);
  } catch (e) {
    return `(not JSON: ${e})`;
  }
}
