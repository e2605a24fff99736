/**
 * The frontend's comm manager (mirrors python/ipycomm/manager.py): creates one model per comm,
 * whoever opened it, places views of kernel-opened comms, re-attaches to live comms after a
 * page reload, and disconnects models when their kernel goes away.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { modelForComm } from './kernelcomm';
import { CommModel } from './model';
import { findOutputArea, placeView } from '../outputs/placement';
import { batchOpenMetadata, commIsAlive, IViewData } from '../kernel/protocol';
import { IJSONObject, isObject } from '../util/json';
import { CommRegistry } from './registry';
import { isFrontendTarget } from '../widgets';

export interface ICommManagerOptions {
  /** Every cell that may have run the code that opened a comm (notebooks and consoles). */
  cells: () => Iterable<unknown>;
}

/** Reasons shown to the user, in one place so views and tests agree. */
export const Reasons = {
  connectionClosed:
    'The kernel connection closed (the kernel was changed, or its notebook or console was closed)',
  noKernel: 'No kernel is running for this notebook',
  gone: 'The kernel no longer has this comm (it was closed, or the kernel restarted)',
  reconnecting: 'Reconnecting to the kernel…'
};

export class CommManager {
  constructor(options: ICommManagerOptions) {
    this._cells = options.cells;
  }

  readonly registry = new CommRegistry<CommModel>();

  /**
   * A kernel opened a comm to one of our targets. Must not throw: an exception here is
   * logged by the kernel connection and the comm closed.
   */
  handleCommOpen(
    kernel: Kernel.IKernelConnection,
    comm: Kernel.IComm,
    msg: KernelMessage.ICommOpenMsg
  ): void {
    if (this.registry.get(comm.commId)) {
      // Another connection to the same kernel (a second notebook) already owns this comm.
      return;
    }
    const model = this._track(comm, modelForComm(comm, kernel), kernel);
    const data = msg.content.data;
    if (isObject(data) && 'action' in data) {
      model.handleMessage(data);
    } else if (isObject(data) && isFrontendTarget(kernel.id, comm.targetName)) {
      // A module's comm.data: kept as state, so it is saved with the view for a reload.
      model.setState(data);
    }
    const parent = msg.parent_header as Partial<KernelMessage.IHeader>;
    placeView(this._cells(), parent.msg_id ?? '', {
      comm_id: comm.commId,
      target_name: comm.targetName
    });
  }

  /** The kernel restarted, shut down or died: its comms are gone. */
  handleKernelLost(kernel: Kernel.IKernelConnection, reason: string): void {
    this.registry.disconnectKernel(kernel.id, reason);
  }

  /** A kernel connection was disposed: the comms it fed receive nothing any more. */
  handleConnectionDisposed(kernel: Kernel.IKernelConnection): void {
    this.registry.disconnectOwner(kernel, Reasons.connectionClosed);
  }

  /**
   * Opens a comm from the frontend; the kernel's reply or close lands in the model, and so does
   * what its target handler prints or raises (shown under every view of the comm). The model
   * unpacks batches, so the comm_open tells the kernel it may send them.
   */
  openComm(
    kernel: Kernel.IKernelConnection,
    targetName: string,
    data: IJSONObject
  ): CommModel {
    const comm = kernel.createComm(targetName);
    const model = this._track(comm, modelForComm(comm, kernel), kernel);
    const future = comm.open(data, batchOpenMetadata());
    if (future) {
      model.captureOutput(future);
    }
    return model;
  }

  /**
   * Opening a view for a kernel-opened comm failed: say so under the cell that opened it
   * (the comm itself is closed with the same reason by the caller).
   */
  reportOpenFailure(msg: KernelMessage.ICommOpenMsg, reason: string): boolean {
    const parent = msg.parent_header as Partial<KernelMessage.IHeader>;
    const area = findOutputArea(this._cells(), parent.msg_id ?? '');
    if (!area) {
      return false;
    }
    area.model.add({
      output_type: 'stream',
      name: 'stderr',
      text: `ipycomm: ${reason}\n`
    });
    return true;
  }

  /**
   * The model for a saved view: the registered one, else a re-attached one if the kernel still
   * has the comm, else a disconnected one showing the saved state. Concurrent calls for one comm
   * share one kernel round trip.
   */
  resolve(
    view: IViewData,
    kernel: Kernel.IKernelConnection | null
  ): Promise<CommModel> {
    const known = this.registry.get(view.comm_id);
    if (known) {
      return Promise.resolve(known);
    }
    let pending = this._pending.get(view.comm_id);
    if (!pending) {
      pending = this._reattach(view, kernel).finally(() => {
        this._pending.delete(view.comm_id);
      });
      this._pending.set(view.comm_id, pending);
    }
    return pending;
  }

  /** A model that only shows saved state; never registered, so a later render can retry. */
  detached(view: IViewData, reason: string, kernelId = ''): CommModel {
    return new CommModel({
      commId: view.comm_id,
      targetName: view.target_name,
      kernelId,
      transport: null,
      state: view.state,
      reason
    });
  }

  private async _reattach(
    view: IViewData,
    kernel: Kernel.IKernelConnection | null
  ): Promise<CommModel> {
    if (!kernel || kernel.isDisposed) {
      return this.detached(view, Reasons.noKernel);
    }
    let alive = false;
    try {
      const reply = await kernel.requestCommInfo({
        target_name: view.target_name
      });
      alive = commIsAlive(reply.content, view.comm_id);
    } catch {
      // The kernel went away while we asked; treat the comm as gone.
    }
    const known = this.registry.get(view.comm_id);
    if (known) {
      return known;
    }
    if (!alive || kernel.isDisposed || kernel.hasComm(view.comm_id)) {
      return this.detached(view, Reasons.gone, kernel.id);
    }
    // No open(): the kernel-side comm exists already; we only route its messages again.
    const comm = kernel.createComm(view.target_name, view.comm_id);
    return this._track(comm, modelForComm(comm, kernel, view.state), kernel);
  }

  /**
   * Registers a live model, and forgets it once it is disconnected for good (closed by either
   * side, or its kernel gone), so 10,000 comms opened and closed leave nothing behind. Views
   * keep their own reference and still show why the comm closed. The comm's callbacks are
   * replaced too: JupyterLab keeps every comm handler reachable from its kernel connection
   * (a statusChanged slot it never disconnects), and they would keep the model alive.
   */
  private _track(
    comm: Kernel.IComm,
    model: CommModel,
    kernel: Kernel.IKernelConnection
  ): CommModel {
    this.registry.add(model, kernel);
    const forget = (): void => {
      if (model.connected) {
        return;
      }
      model.changed.disconnect(forget);
      if (this.registry.get(model.commId) === model) {
        this.registry.delete(model.commId);
      }
      comm.onMsg = () => undefined;
      comm.onClose = () => undefined;
    };
    model.changed.connect(forget);
    return model;
  }

  private _cells: () => Iterable<unknown>;
  private _pending = new Map<string, Promise<CommModel>>();
}
