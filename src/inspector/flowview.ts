/**
 * The kernel's credit state as DOM (flowstate.ts): one line on the outbox, one on who reads
 * batches, and a line per reader with its state, credit and window, over a bar of how much of
 * that window the kernel has used. Text only.
 */
import { el } from '../util/dom';
import {
  describeOutbox,
  describeReader,
  describeScope,
  IFlowState,
  IReaderState,
  windowUsed
} from './flowstate';

/** A reader's line, and a bar of how much of its window is in use. */
function readerNode(
  reader: IReaderState,
  flow: IFlowState,
  self: string
): HTMLElement {
  const node = el('li', 'jp-ipycomm-inspector-reader');
  const text = describeReader(reader, flow, self);
  const bar = el('meter', 'jp-ipycomm-inspector-window');
  bar.max = Math.max(1, reader.window);
  bar.value = windowUsed(reader, flow);
  bar.high = bar.max * 0.9;
  bar.setAttribute('aria-label', text);
  node.append(el('span', '', text), bar);
  return node;
}

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
  const list = el('ul', 'jp-ipycomm-inspector-readers');
  list.setAttribute('aria-label', 'Readers and their credit');
  list.append(...flow.readers.map(r => readerNode(r, flow, self)));
  if (!flow.readers.length) {
    list.append(el('li', '', 'No reader takes part'));
  }
  return [
    el('div', 'jp-ipycomm-inspector-outbox', describeOutbox(flow)),
    el('div', 'jp-ipycomm-inspector-scope', describeScope(flow)),
    list
  ];
}
