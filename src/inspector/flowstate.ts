/**
 * The kernel's credit state as the inspector shows it (python/ipycomm/flow/state.py): the
 * readers taking part, each one's credit and window, and what waits in the outbox. Parsing
 * and wording only, no DOM.
 */
import { formatBytes } from '../util/bytes';
import { isObject } from '../util/json';

export interface IReaderState {
  reader: string;
  state: string;
  acked: number;
  window: number;
  chunks: boolean;
  batchTargets: number;
}

export interface IFlowState {
  seq: number;
  limit: number | null;
  queued: number;
  queuedBytes: number;
  maxQueued: number;
  private: boolean;
  readers: IReaderState[];
}

const num = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0;

function parseReader(value: unknown): IReaderState | null {
  if (!isObject(value) || typeof value.reader !== 'string') {
    return null;
  }
  return {
    reader: value.reader,
    state: typeof value.state === 'string' ? value.state : '?',
    acked: num(value.acked),
    window: num(value.window),
    chunks: value.chunks === true,
    batchTargets: num(value.batch_targets)
  };
}

/** The `flow` of an inspect reply; null when it is missing or not a credit state. */
export function parseFlowState(value: unknown): IFlowState | null {
  if (!isObject(value) || typeof value.seq !== 'number') {
    return null;
  }
  const readers = Array.isArray(value.readers) ? value.readers : [];
  return {
    seq: value.seq,
    limit: typeof value.limit === 'number' ? value.limit : null,
    queued: num(value.queued),
    queuedBytes: num(value.queued_bytes),
    maxQueued: num(value.max_queued),
    private: value.private === true,
    readers: readers
      .map(parseReader)
      .filter((r): r is IReaderState => r !== null)
  };
}

/** One line on the outbox: what waits, and how far the credit lets the kernel send. */
export function describeOutbox(flow: IFlowState): string {
  const waiting = flow.queued
    ? `${flow.queued} waiting (${formatBytes(flow.queuedBytes)}), send blocks at ${flow.maxQueued}`
    : 'nothing waiting';
  const limit =
    flow.limit === null
      ? 'no reader sets the pace'
      : `may send up to ${flow.limit}`;
  return `Outbox: ${waiting} · sent ${flow.seq} · ${limit}`;
}

/** Whether batches and chunks may go out, and why not. */
export function describeScope(flow: IFlowState): string {
  return flow.private
    ? 'Every client reads batches and chunks'
    : 'A plain client is connected: messages go whole, unbatched';
}

/** A reader in one line: who, its state, how far it credited, its window and how much of it is used. */
export function describeReader(
  reader: IReaderState,
  flow: IFlowState,
  self: string
): string {
  const who =
    reader.reader === self
      ? 'this page'
      : `reader ${reader.reader.slice(0, 8)}…`;
  const used = Math.min(reader.window, Math.max(0, flow.seq - reader.acked));
  return `${who}: ${reader.state}, credited to ${reader.acked}, window ${reader.window} (${used} in use)`;
}

/** How much of a reader's window the kernel has used (sent beyond its credit), 0 to window. */
export function windowUsed(reader: IReaderState, flow: IFlowState): number {
  return Math.min(reader.window, Math.max(0, flow.seq - reader.acked));
}
