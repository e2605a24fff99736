/**
 * The comm traffic of each kernel connection, recorded from the moment the connection exists,
 * whether or not the Comm Inspector is open: per-comm counts, bytes and rates (commstats.ts)
 * and the last 500 comm events (messagelog.ts). So the inspector opened after a drag still
 * shows the drag. Bounded per connection; forgotten with the connection.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';
import { CommStats } from './commstats';
import { MessageLog } from './messagelog';
import { IMessageLike } from './traffic';

const GONE: ReadonlyArray<KernelMessage.Status> = [
  'restarting',
  'autorestarting',
  'dead'
];

export class TrafficRecorder {
  readonly stats = new CommStats();
  readonly log = new MessageLog();
  /** When recording started (ms since the epoch). */
  readonly since: number;

  constructor(now = Date.now()) {
    this.since = now;
  }

  /** Emitted after each comm event recorded, and when the comms are forgotten. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** A message on the connection, 'in' from the kernel; others than comm traffic are skipped. */
  observe(msg: IMessageLike, direction: 'in' | 'out', time = Date.now()): void {
    const event = this.stats.observe(msg, direction, time);
    if (event) {
      this.log.push(event);
      this._changed.emit();
    }
  }

  /** The kernel restarted or died: its comms are gone (the log stays, as history). */
  kernelGone(): void {
    this.stats.reset();
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
}

const recorders = new WeakMap<Kernel.IKernelConnection, TrafficRecorder>();

/**
 * The recorder of `kernel`, which starts recording on the first call for that connection;
 * call it as soon as the connection exists (plugin.ts does, for every notebook and console).
 */
export function recordTraffic(
  kernel: Kernel.IKernelConnection
): TrafficRecorder {
  let recorder = recorders.get(kernel);
  if (!recorder) {
    const created = new TrafficRecorder();
    recorder = created;
    recorders.set(kernel, created);
    kernel.anyMessage.connect((_, { msg, direction }) =>
      created.observe(msg, direction === 'recv' ? 'in' : 'out')
    );
    kernel.statusChanged.connect((_, status) => {
      if (GONE.includes(status)) {
        created.kernelGone();
      }
    });
  }
  return recorder;
}
