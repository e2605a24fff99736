/**
 * The live comms table: per comm, its target and id, who opened it and since when, messages
 * and bytes each way, its rate with a sparkline of the last minute, and its transfers in
 * flight with their progress; its Filter and Close buttons. Two columns that wrap, so it fits
 * the panel's default width.
 * Kernel-provided names go in as textContent only.
 */
import { describeTransfer } from '../chunks/progressview';
import { ITransfer } from '../chunks/transfers';
import { formatBytes } from '../util/bytes';
import { el } from '../util/dom';
import { ICommStats } from './commstats';
import { button, buttonRow } from './dom';
import { formatOpened, formatTraffic } from './format';
import { sparkline } from './sparkline';

/** What the buttons in a comm's row do. */
export interface ICommRowActions {
  filter(commId: string): void;
  close(commId: string): void;
}

/** What a row shows besides the comm's stats. */
export interface ICommRowContext {
  now: number;
  /** The transfers in flight on a comm. */
  transfersOf(commId: string): ITransfer[];
}

const HEADINGS = ['Comm', 'Traffic'];
const SPARK_SECONDS = 60;

/** The heading row, then one row per comm. */
export function commRows(
  comms: ReadonlyArray<ICommStats>,
  context: ICommRowContext,
  actions: ICommRowActions
): HTMLTableRowElement[] {
  const head = el('tr', '');
  for (const title of HEADINGS) {
    head.append(el('th', '', title));
  }
  return [head, ...comms.map(c => commRow(c, context, actions))];
}

function line(className: string, text: string): HTMLDivElement {
  return el('div', className, text);
}

/** Target, short id, and who opened it since when. */
function identityCell(c: ICommStats, now: number): HTMLTableCellElement {
  const cell = el('td', 'jp-ipycomm-inspector-identity');
  const id = line('jp-ipycomm-inspector-commid', c.commId.slice(0, 8));
  id.title = c.commId;
  const by = c.openedBy === 'unknown' ? '' : ` by ${c.openedBy}`;
  cell.append(
    line('jp-ipycomm-inspector-targetname', c.targetName || '?'),
    id,
    line(
      'jp-ipycomm-inspector-opened',
      `opened${by} ${formatOpened(c.openedAt, now)}`
    )
  );
  return cell;
}

/** Messages and bytes each way, the rate and its sparkline, and transfers in flight. */
function trafficCell(
  c: ICommStats,
  context: ICommRowContext
): HTMLTableCellElement {
  const cell = el('td', 'jp-ipycomm-inspector-traffic');
  const inbound = line(
    'jp-ipycomm-inspector-in',
    `← ${c.msgsIn} · ${formatBytes(c.bytesIn)}`
  );
  inbound.title = 'From the kernel: messages · bytes';
  const outbound = line(
    'jp-ipycomm-inspector-out',
    `→ ${c.msgsOut} · ${formatBytes(c.bytesOut)}`
  );
  outbound.title = 'To the kernel: messages · bytes';
  const rate = line(
    'jp-ipycomm-inspector-rate',
    formatTraffic(c.meter.rate(context.now))
  );
  rate.prepend(
    sparkline(
      c.meter.series(context.now, SPARK_SECONDS),
      'Messages per second, last minute'
    )
  );
  cell.append(inbound, outbound, rate);
  for (const transfer of context.transfersOf(c.commId)) {
    cell.append(transferLine(transfer));
  }
  return cell;
}

function transferLine(transfer: ITransfer): HTMLDivElement {
  const node = line('jp-ipycomm-inspector-transfer', '');
  const bar = el('progress', 'jp-ipycomm-inspector-progress');
  bar.max = Math.max(1, transfer.size);
  bar.value = transfer.done;
  const text = describeTransfer(transfer);
  bar.setAttribute('aria-label', text);
  node.append(bar, el('span', '', text));
  return node;
}

function commRow(
  c: ICommStats,
  context: ICommRowContext,
  actions: ICommRowActions
): HTMLTableRowElement {
  const row = el('tr', 'jp-ipycomm-inspector-comm');
  row.dataset.commId = c.commId;
  const identity = identityCell(c, context.now);
  identity.append(
    buttonRow(
      button('Filter', () => actions.filter(c.commId)),
      button('Close', () => actions.close(c.commId))
    )
  );
  row.append(identity, trafficCell(c, context));
  return row;
}

/** One option per comm, for choosing the comm to send on. */
export function commOptions(
  comms: ReadonlyArray<ICommStats>
): HTMLOptionElement[] {
  return comms.map(c => {
    const option = el('option', '', `${c.targetName} ${c.commId.slice(0, 8)}`);
    option.value = c.commId;
    return option;
  });
}
