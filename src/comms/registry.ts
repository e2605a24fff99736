/**
 * The models of all comms, grouped by kernel so a restart or shutdown can disconnect exactly
 * that kernel's models, and looked up by comm id when a view is rendered.
 */

/** What the registry needs from a model (CommModel satisfies it; tests use fakes). */
export interface IRegistryModel {
  readonly commId: string;
  readonly kernelId: string;
  disconnect(reason: string): void;
}

export class CommRegistry<M extends IRegistryModel> {
  /**
   * Adds a model. `owner` is the kernel connection whose comm feeds the model: when that
   * connection goes away the model stops receiving, even though the kernel lives on.
   *
   * Returns the model already registered under the same comm id, if any: a kernel shared by
   * several notebooks delivers the same comm_open to each connection, and only the first wins.
   */
  add(model: M, owner?: object): M {
    const existing = this.get(model.commId);
    if (existing) {
      return existing;
    }
    let models = this._byKernel.get(model.kernelId);
    if (!models) {
      models = new Map();
      this._byKernel.set(model.kernelId, models);
    }
    models.set(model.commId, model);
    if (owner) {
      this._owners.set(model.commId, owner);
    }
    return model;
  }

  get(commId: string): M | undefined {
    for (const models of this._byKernel.values()) {
      const model = models.get(commId);
      if (model) {
        return model;
      }
    }
    return undefined;
  }

  forKernel(kernelId: string): M[] {
    return [...(this._byKernel.get(kernelId)?.values() ?? [])];
  }

  /**
   * Disconnects every model of a kernel (restart, shutdown). The models stay registered so
   * their views keep showing the last state and the reason.
   */
  disconnectKernel(kernelId: string, reason: string): void {
    for (const model of this.forKernel(kernelId)) {
      model.disconnect(reason);
      this._owners.delete(model.commId);
    }
  }

  /** Disconnects the models fed by one kernel connection (the connection was disposed). */
  disconnectOwner(owner: object, reason: string): void {
    for (const [commId, o] of [...this._owners]) {
      if (o === owner) {
        this.get(commId)?.disconnect(reason);
        this._owners.delete(commId);
      }
    }
  }

  delete(commId: string): void {
    for (const models of this._byKernel.values()) {
      models.delete(commId);
    }
    this._owners.delete(commId);
  }

  private _byKernel = new Map<string, Map<string, M>>();
  private _owners = new Map<string, object>();
}
