/**
 * Live comms of one kernel and what they said: who opened each, when, and messages and bytes
 * each way. Fed with comm events (see traffic.ts); pure, so tests need no kernel.
 */
import { commEventOf, ICommEvent, IMessageLike, parentIdOf } from './traffic';
import { outputOf } from '../outputs/outputs';
import { isObject } from '../util/json';
import { RateMeter } from './rates';

export type Opener = 'kernel' | 'frontend' | 'unknown';

export interface ICommStats {
  commId: string;
  targetName: string;
  openedBy: Opener;
  /**
   * ms since the epoch: seen in its comm_open, or the kernel's record (inspection.ts); null
   * until either is known.
   */
  openedAt: number | null;
  msgsIn: number;
  msgsOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Both directions per second, for the rate and the sparkline. */
  meter: RateMeter;
}

/** What the kernel says of a live comm (inspection.ts). */
export interface IKernelComm {
  targetName: string;
  openedAt: number | null;
  openedBy: Opener;
}

/** How many message ids are remembered to attribute kernel output to its comm. */
const PARENTS_LIMIT = 1000;

export class CommStats {
  /** Live comms, in the order they were opened (or first seen). */
  get comms(): ICommStats[] {
    return [...this._comms.values()];
  }

  get(commId: string): ICommStats | undefined {
    return this._comms.get(commId);
  }

  /**
   * Reduces a message on the connection to a comm event with its target filled in, updating
   * the stats; kernel output caused by a comm message becomes an 'output' event. Anything else
   * gives null.
   */
  observe(msg: IMessageLike, direction: 'in' | 'out', time = Date.now()) {
    const event = commEventOf(msg, direction, time);
    return event ? this.record(event) : this._output(msg, time);
  }

  record(event: ICommEvent): ICommEvent {
    let stats = this._comms.get(event.commId);
    if (!stats && event.kind !== 'close') {
      stats = this._add(event.commId, event.targetName, 'unknown', null);
    }
    if (event.kind === 'open' && stats) {
      stats.openedBy = event.direction === 'in' ? 'kernel' : 'frontend';
      stats.openedAt = event.time;
    }
    const targetName = event.targetName || stats?.targetName || '';
    if (stats) {
      stats.meter.add(event.time, event.bytes);
      if (event.direction === 'in') {
        stats.msgsIn += 1;
        stats.bytesIn += event.bytes;
      } else {
        stats.msgsOut += 1;
        stats.bytesOut += event.bytes;
      }
    }
    if (event.kind === 'close') {
      this._comms.delete(event.commId);
    }
    this._remember(event.msgId, event.commId, targetName);
    return { ...event, targetName };
  }

  /** Adds the comms a comm_info_reply lists that we have not seen open. */
  seed(comms: Record<string, unknown>): void {
    for (const [commId, info] of Object.entries(comms)) {
      if (!this._comms.has(commId)) {
        const name = isObject(info) ? info.target_name : undefined;
        const target = typeof name === 'string' ? name : '';
        this._add(commId, target, 'unknown', null);
      }
    }
  }

  /**
   * Takes the kernel's word for its live comms: adds those not seen yet, and gives each its
   * open time and opener as the kernel recorded them.
   */
  applyKernel(comms: ReadonlyMap<string, IKernelComm>): void {
    for (const [commId, info] of comms) {
      const stats =
        this._comms.get(commId) ??
        this._add(commId, info.targetName, 'unknown', null);
      stats.targetName = stats.targetName || info.targetName;
      if (info.openedAt !== null) {
        stats.openedAt = info.openedAt;
      }
      if (info.openedBy !== 'unknown') {
        stats.openedBy = info.openedBy;
      }
    }
  }

  /** The kernel restarted: all its comms are gone. */
  reset(): void {
    this._comms.clear();
    this._parents.clear();
  }

  private _add(
    commId: string,
    targetName: string,
    openedBy: Opener,
    openedAt: number | null
  ): ICommStats {
    const stats: ICommStats = {
      commId,
      targetName,
      openedBy,
      openedAt,
      msgsIn: 0,
      msgsOut: 0,
      bytesIn: 0,
      bytesOut: 0,
      meter: new RateMeter()
    };
    this._comms.set(commId, stats);
    return stats;
  }

  private _remember(msgId: string, commId: string, targetName: string): void {
    if (!msgId) {
      return;
    }
    this._parents.set(msgId, { commId, targetName });
    if (this._parents.size > PARENTS_LIMIT) {
      const oldest = this._parents.keys().next().value as string;
      this._parents.delete(oldest);
    }
  }

  private _output(msg: IMessageLike, time: number): ICommEvent | null {
    const parent = this._parents.get(parentIdOf(msg));
    const output = parent ? outputOf(msg) : null;
    if (!parent || !output) {
      return null;
    }
    return {
      kind: 'output',
      direction: 'in',
      commId: parent.commId,
      targetName: parent.targetName,
      bytes: output.text.length,
      bufferSizes: [],
      data: output.text,
      msgId: msg.header.msg_id ?? '',
      time
    };
  }

  private _comms = new Map<string, ICommStats>();
  private _parents = new Map<string, { commId: string; targetName: string }>();
}
