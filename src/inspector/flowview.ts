/**
 * The kernel's credit state as DOM (flowstate.ts): one line on the outbox, one on who reads
 * batches, and a row per reader with its state, what it took, its window and what is in
 * flight to it. Text only.
 */
import { el } from '../util/dom';
import {
  describeOutbox,
  describeScope,
  IFlowState,
  READER_HEADINGS,
  readerCells
} from './flowstate';

/** `self`: this page's reader id (its connection's clientId), shown as "this page". */
export function flowNodes(
  flow: IFlowState | null,
  self: string,
  ipycommKernel: boolean
): HTMLElement[] {
  if (!flow) {
    const why = ipycommKernel
      ? 'Asking the kernel…'
      : 'This kernel does not run ipycomm: no flow control';
    return [el('div', 'jp-ipycomm-inspector-empty', why)];
  }
  const table = el('table', 'jp-ipycomm-inspector-readers');
  table.setAttribute('aria-label', 'Readers and their credit');
  const head = el('tr', '');
  head.append(...READER_HEADINGS.map(h => el('th', '', h)));
  table.append(head);
  for (const reader of flow.readers) {
    const row = el('tr', 'jp-ipycomm-inspector-reader');
    row.append(...readerCells(reader, flow, self).map(t => el('td', '', t)));
    table.append(row);
  }
  if (!flow.readers.length) {
    const row = el('tr', '');
    const cell = el('td', '', 'No reader takes part');
    cell.colSpan = READER_HEADINGS.length;
    row.append(cell);
    table.append(row);
  }
  return [
    el('div', 'jp-ipycomm-inspector-outbox', describeOutbox(flow)),
    el('div', 'jp-ipycomm-inspector-scope', describeScope(flow)),
    table
  ];
}
