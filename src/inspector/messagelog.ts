/**
 * The inspector's message log: the last N comm events of a kernel connection, pausable and
 * filterable. A ring (ring.ts), so a chatty comm cannot grow memory; binary buffers are
 * counted by size only (see traffic.ts). Pure logic, no DOM.
 */
import { preview } from '../util/json';
import { ICommEvent } from './traffic';
import { formatBytes } from '../util/bytes';
import { Ring } from './ring';

const LOG_LIMIT = 500;

export class MessageLog {
  constructor(limit = LOG_LIMIT) {
    this._ring = new Ring<ICommEvent>(limit);
  }

  /** The events, oldest first. */
  get entries(): ReadonlyArray<ICommEvent> {
    this._entries ??= this._ring.toArray();
    return this._entries;
  }

  get paused(): boolean {
    return this._paused;
  }

  /** Events not logged because the log was paused. */
  get missed(): number {
    return this._missed;
  }

  /** Pausing stops logging (the comm stats keep counting); resuming resets `missed`. */
  setPaused(paused: boolean): void {
    this._paused = paused;
    if (!paused) {
      this._missed = 0;
    }
  }

  /** Logs an event unless paused; drops the oldest beyond the limit. Returns whether logged. */
  push(event: ICommEvent): boolean {
    if (this._paused) {
      this._missed += 1;
      return false;
    }
    this._ring.push(event);
    this._entries = null;
    return true;
  }

  clear(): void {
    this._ring.clear();
    this._entries = null;
    this._missed = 0;
  }

  private _ring: Ring<ICommEvent>;
  /** `entries`, kept until the next change. */
  private _entries: ICommEvent[] | null = null;
  private _paused = false;
  private _missed = 0;
}

/**
 * Whether an event matches a filter text: empty matches everything; otherwise a
 * case-insensitive substring of the comm id or the target name.
 */
export function matchesFilter(event: ICommEvent, filter: string): boolean {
  const query = filter.trim().toLowerCase();
  if (!query) {
    return true;
  }
  return (
    event.commId.toLowerCase().includes(query) ||
    event.targetName.toLowerCase().includes(query)
  );
}

export function filterLog(
  events: ReadonlyArray<ICommEvent>,
  filter: string
): ICommEvent[] {
  return events.filter(event => matchesFilter(event, filter));
}

const ARROWS = { in: '←', out: '→' };

/** One line of text for an event; never includes buffer content. */
export function describeEvent(event: ICommEvent, maxData = 300): string {
  const time = new Date(event.time).toLocaleTimeString();
  const head = `${time} ${ARROWS[event.direction]} ${event.kind} ${event.targetName || '?'} ${event.commId.slice(0, 8)}`;
  const data =
    event.kind === 'output'
      ? String(event.data).trimEnd().slice(-maxData)
      : preview(event.data, maxData);
  const buffers = event.bufferSizes.length
    ? ` [${event.bufferSizes.length} buffer(s): ${event.bufferSizes.map(formatBytes).join(', ')}]`
    : '';
  return `${head} ${data}${buffers}`;
}
