/**
 * What the Comm Inspector shows, for one kernel connection at a time: the live comms and their
 * traffic and the message log, as the connection's recorder kept them since it started
 * (recorder.ts), the targets the kernel registered, what the kernel says of its comms and its
 * credit state (inspection.ts), and the actions on comms. Follows a change of kernel and
 * survives a restart. No DOM.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';
import { CommStats } from './commstats';
import { CommManager } from '../comms/manager';
import { MessageLog } from './messagelog';
import { IJSONObject, isObject } from '../util/json';
import { IFlowState } from './flowstate';
import { requestInspection } from './inspection';
import { recordTraffic, TrafficRecorder } from './recorder';

export interface IInspectorModelOptions {
  manager: CommManager;
}

const RESTARTING: ReadonlyArray<KernelMessage.Status> = [
  'restarting',
  'autorestarting'
];

export class InspectorModel {
  constructor(options: IInspectorModelOptions) {
    this._manager = options.manager;
  }

  get stats(): CommStats {
    return this._recorder.stats;
  }

  get log(): MessageLog {
    return this._recorder.log;
  }

  /** The kernel's credit state at the last poll; null before one, or from a stock kernel. */
  get flow(): IFlowState | null {
    return this._flow;
  }

  /** When the connection's recording started (ms since the epoch). */
  get recordingSince(): number {
    return this._recorder.since;
  }

  /** Whether the kernel runs ipycomm (it listed ipycomm's chunk limits in comm_info). */
  get ipycommKernel(): boolean {
    return this._ipycomm;
  }

  /** Emitted after anything shown changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get kernel(): Kernel.IKernelConnection | null {
    return this._kernel;
  }

  /** Target names registered in the kernel (ipycomm's comm_info_reply `targets`). */
  get targets(): ReadonlyArray<string> {
    return this._targets;
  }

  /** A line about the last event worth telling (restart, failed action), or ''. */
  get notice(): string {
    return this._notice;
  }

  /** Watches `kernel` instead of the previous one (null: none). */
  follow(kernel: Kernel.IKernelConnection | null): void {
    if (kernel === this._kernel) {
      return;
    }
    const old = this._kernel;
    if (old) {
      old.statusChanged.disconnect(this._onStatus, this);
    }
    this._recorder.changed.disconnect(this._emit, this);
    this._kernel = kernel && !kernel.isDisposed ? kernel : null;
    this._recorder = this._kernel
      ? recordTraffic(this._kernel)
      : new TrafficRecorder();
    this._recorder.changed.connect(this._emit, this);
    this._targets = [];
    this._notice = '';
    this._flow = null;
    this._ipycomm = false;
    if (this._kernel) {
      this._kernel.statusChanged.connect(this._onStatus, this);
      void this.refresh();
    }
    this._changed.emit();
  }

  /** Asks the kernel for its live comms and registered targets. */
  async refresh(): Promise<void> {
    const kernel = this._kernel;
    if (!kernel) {
      return;
    }
    try {
      const reply = await kernel.requestCommInfo({});
      if (kernel !== this._kernel) {
        return;
      }
      const content = reply.content as unknown;
      if (isObject(content) && content.status === 'ok') {
        this.stats.seed(isObject(content.comms) ? content.comms : {});
        const targets = Array.isArray(content.targets) ? content.targets : [];
        this._targets = targets.filter(
          (t): t is string => typeof t === 'string'
        );
        this._ipycomm = isObject(content.ipycomm);
      }
    } catch (e) {
      this._notice = `Could not ask the kernel for its comms: ${e}`;
    }
    await this.poll();
    this._changed.emit();
  }

  /**
   * Asks an ipycomm kernel since when its comms are open and for its credit state (the panel
   * does every second while it is visible); a stock kernel is never asked.
   */
  async poll(): Promise<void> {
    const kernel = this._kernel;
    if (!kernel || !this._ipycomm || this._polling) {
      return;
    }
    this._polling = true;
    try {
      const inspection = await requestInspection(kernel);
      if (inspection && kernel === this._kernel) {
        this.stats.applyKernel(inspection.comms);
        this._flow = inspection.flow;
        this._changed.emit();
      }
    } finally {
      this._polling = false;
    }
  }

  /** Opens a comm from the browser to a kernel target. */
  open(targetName: string, data: IJSONObject): void {
    if (!this._kernel) {
      this._setNotice('No kernel to open a comm on');
      return;
    }
    this._manager.openComm(this._kernel, targetName, data);
  }

  /** Sends on a comm; returns why not when it could not. */
  async send(commId: string, data: IJSONObject): Promise<string> {
    const model = await this._modelFor(commId);
    if (!model) {
      return 'No such live comm';
    }
    return model.send(data)
      ? ''
      : `Not sent: ${model.reason || 'the comm is not connected'}`;
  }

  /** Closes a comm from the browser. */
  async close(commId: string): Promise<string> {
    const model = await this._modelFor(commId);
    if (!model?.connected) {
      return `Cannot close this comm from ipycomm: ${model?.reason ?? 'no such comm'}`;
    }
    model.close();
    return '';
  }

  /**
   * ipycomm's model of a comm: the registered one, or one re-attached to the kernel's comm.
   * Comms another extension owns on this connection come back disconnected.
   */
  private async _modelFor(commId: string) {
    const stats = this.stats.get(commId);
    if (!stats || !this._kernel) {
      return null;
    }
    return this._manager.resolve(
      { comm_id: commId, target_name: stats.targetName },
      this._kernel
    );
  }

  private _emit(): void {
    this._changed.emit();
  }

  private _onStatus(_: unknown, status: KernelMessage.Status): void {
    if (RESTARTING.includes(status)) {
      this._restarting = true;
      this._flow = null;
      this._setNotice(
        `The kernel restarted at ${new Date().toLocaleTimeString()}; its comms are gone`
      );
    } else if (status === 'idle' && this._restarting) {
      this._restarting = false;
      void this.refresh();
    } else if (status === 'dead') {
      this._setNotice('The kernel is dead');
    }
  }

  private _setNotice(notice: string): void {
    this._notice = notice;
    this._changed.emit();
  }

  private _manager: CommManager;
  private _kernel: Kernel.IKernelConnection | null = null;
  private _targets: string[] = [];
  private _notice = '';
  private _restarting = false;
  private _recorder = new TrafficRecorder();
  private _flow: IFlowState | null = null;
  private _ipycomm = false;
  private _polling = false;
  private _changed = new Signal<this, void>(this);
}
