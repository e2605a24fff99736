import type { Kernel } from '@jupyterlab/services';
import { CommManager, Reasons } from '../../comms/manager';
import { VIEW_MIME_TYPE } from '../../kernel/protocol';
import {
  commOpenMsg,
  fakeCell,
  fakeComm,
  FakeKernel,
  kernelSends,
  kernelSendsBatch
} from '../fakes';

function setup(cells: unknown[] = []) {
  const manager = new CommManager({ cells: () => cells });
  const kernel = new FakeKernel();
  return { manager, kernel };
}

function open(
  manager: CommManager,
  kernel: FakeKernel,
  comm = fakeComm('simple_slider'),
  parent = 'exec-1'
) {
  manager.handleCommOpen(
    kernel.asKernel,
    comm as unknown as Kernel.IComm,
    commOpenMsg(comm, parent)
  );
  return comm;
}

describe('CommManager.handleCommOpen', () => {
  it('shows the view under the cell whose execution opened the comm', () => {
    const other = fakeCell('exec-0');
    const running = fakeCell('exec-1');
    const { manager, kernel } = setup([other, running]);
    const comm = open(manager, kernel);
    expect(other.outputs).toEqual([]);
    expect(running.outputs).toEqual([
      {
        output_type: 'display_data',
        data: {
          [VIEW_MIME_TYPE]: {
            comm_id: comm.commId,
            target_name: 'simple_slider'
          }
        },
        metadata: {}
      }
    ]);
  });

  it('keeps the model when no cell matches', () => {
    const cell = fakeCell('exec-9');
    const { manager, kernel } = setup([cell]);
    const comm = open(manager, kernel);
    expect(cell.outputs).toEqual([]);
    expect(manager.registry.get(comm.commId)).toBeDefined();
  });

  it('routes the kernel’s messages into the model', () => {
    const { manager, kernel } = setup();
    const comm = open(manager, kernel);
    kernelSends(comm, {
      action: 'create',
      config: { min: 0, max: 255, value: 128 }
    });
    kernelSends(comm, { action: 'update_value', value: 3 });
    expect(manager.registry.get(comm.commId)?.state).toEqual({
      min: 0,
      max: 255,
      value: 3
    });
  });

  it('creates one model and one view when two connections see the same comm_open', () => {
    const cell = fakeCell('exec-1');
    const { manager, kernel } = setup([cell]);
    const first = open(manager, kernel);
    const model = manager.registry.get(first.commId);
    open(
      manager,
      new FakeKernel(kernel.id),
      fakeComm('simple_slider', first.commId)
    );
    expect(manager.registry.get(first.commId)).toBe(model);
    expect(cell.outputs).toHaveLength(1);
  });

  it('disconnects the kernel’s models when it restarts, and forgets them', () => {
    const { manager, kernel } = setup();
    const comm = open(manager, kernel);
    const model = manager.registry.get(comm.commId);
    manager.handleKernelLost(kernel.asKernel, 'The kernel restarted');
    expect(model?.connected).toBe(false);
    expect(model?.reason).toBe('The kernel restarted');
    expect(manager.registry.get(comm.commId)).toBeUndefined();
  });

  it('disconnects the models of a disposed connection, and forgets them', () => {
    const { manager, kernel } = setup();
    const comm = open(manager, kernel);
    const model = manager.registry.get(comm.commId);
    manager.handleConnectionDisposed(kernel.asKernel);
    expect(model?.reason).toBe(Reasons.connectionClosed);
    expect(manager.registry.get(comm.commId)).toBeUndefined();
  });

  it('keeps nothing of a comm the kernel closed: no model, no callbacks into it', () => {
    const { manager, kernel } = setup();
    const comm = open(manager, kernel);
    const model = manager.registry.get(comm.commId)!;
    comm.onClose({ content: { data: { reason: 'done' } } });
    expect(model.connected).toBe(false);
    expect(manager.registry.get(comm.commId)).toBeUndefined();
    // A late message no longer reaches the model, so JupyterLab's comm handler cannot keep it.
    const received = model.received;
    kernelSends(comm, { action: 'update_value', value: 9 });
    expect(model.received).toBe(received);
  });
});

describe('CommManager.resolve', () => {
  const saved = {
    comm_id: 'c-live',
    target_name: 'simple_slider',
    state: { min: 0, max: 9, value: 4 }
  };

  it('re-attaches to a comm the kernel still has, without opening it again', async () => {
    const { manager, kernel } = setup();
    kernel.aliveComms = { 'c-live': { target_name: 'simple_slider' } };
    const model = await manager.resolve(saved, kernel.asKernel);
    expect(kernel.createComm).toHaveBeenCalledWith('simple_slider', 'c-live');
    expect(kernel.created[0].open).not.toHaveBeenCalled();
    expect(model.connected).toBe(true);
    expect(model.state).toEqual(saved.state);
    expect(manager.registry.get('c-live')).toBe(model);
  });

  it('unpacks batches on a re-attached comm', async () => {
    const { manager, kernel } = setup();
    kernel.aliveComms = { 'c-live': { target_name: 'simple_slider' } };
    const model = await manager.resolve(saved, kernel.asKernel);
    kernelSendsBatch(kernel.created[0], [
      { action: 'update_value', value: 7 },
      { action: 'update_value', value: 8 }
    ]);
    expect(model.state).toEqual({ ...saved.state, value: 8 });
    expect(model.received).toBe(2);
  });

  it('shows the saved state, disconnected, when the comm is gone', async () => {
    const { manager, kernel } = setup();
    const model = await manager.resolve(saved, kernel.asKernel);
    expect(kernel.createComm).not.toHaveBeenCalled();
    expect(model.connected).toBe(false);
    expect(model.reason).toBe(Reasons.gone);
    expect(model.state).toEqual(saved.state);
    expect(manager.registry.get('c-live')).toBeUndefined();
  });

  it('asks the kernel once for several views of one comm', async () => {
    const { manager, kernel } = setup();
    kernel.aliveComms = { 'c-live': { target_name: 'simple_slider' } };
    const [a, b] = await Promise.all([
      manager.resolve(saved, kernel.asKernel),
      manager.resolve(saved, kernel.asKernel)
    ]);
    expect(a).toBe(b);
    expect(kernel.requestCommInfo).toHaveBeenCalledTimes(1);
  });

  it('treats a failing comm_info request as a gone comm', async () => {
    const { manager, kernel } = setup();
    kernel.requestCommInfo.mockRejectedValueOnce(
      new Error('Kernel is disposed')
    );
    const model = await manager.resolve(saved, kernel.asKernel);
    expect(model.reason).toBe(Reasons.gone);
  });

  it('is disconnected when there is no kernel', async () => {
    const { manager } = setup();
    const model = await manager.resolve(saved, null);
    expect(model.reason).toBe(Reasons.noKernel);
  });

  it('returns the registered model without asking the kernel', async () => {
    const { manager, kernel } = setup();
    const comm = open(manager, kernel);
    const model = await manager.resolve(
      { comm_id: comm.commId, target_name: 'simple_slider' },
      kernel.asKernel
    );
    expect(model).toBe(manager.registry.get(comm.commId));
    expect(kernel.requestCommInfo).not.toHaveBeenCalled();
  });
});

describe('CommManager.openComm', () => {
  it('creates and opens a comm with the user’s data, saying it unpacks batches', () => {
    const { manager, kernel } = setup();
    const model = manager.openComm(kernel.asKernel, 'my_widget', { hello: 1 });
    expect(kernel.createComm).toHaveBeenCalledWith('my_widget');
    expect(kernel.created[0].open).toHaveBeenCalledWith(
      { hello: 1 },
      { ipycomm: { batch: true } }
    );
    kernelSends(kernel.created[0], { action: 'state', state: { value: 100 } });
    expect(model.state).toEqual({ value: 100 });
  });

  it('sends get_state through the comm', () => {
    const { manager, kernel } = setup();
    const model = manager.openComm(kernel.asKernel, 'my_widget', {});
    model.send({ action: 'get_state' });
    expect(kernel.created[0].send).toHaveBeenCalledWith(
      { action: 'get_state' },
      undefined,
      undefined
    );
  });
});
