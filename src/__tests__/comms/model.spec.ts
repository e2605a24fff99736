import type { KernelMessage } from '@jupyterlab/services';
import { deliver } from '../../comms/kernelcomm';
import { CommModel, ICommTransport } from '../../comms/model';

function sliderModel(
  transport: ICommTransport | null = { send: jest.fn(), close: jest.fn() }
) {
  return new CommModel({
    commId: 'c1',
    targetName: 'simple_slider',
    kernelId: 'k1',
    transport
  });
}

const create = { action: 'create', config: { min: 0, max: 10, value: 5 } };

describe('CommModel', () => {
  it('applies a valid create and update_value', () => {
    const model = sliderModel();
    model.handleMessage(create);
    model.handleMessage({ action: 'update_value', value: 9 });
    expect(model.state).toEqual({ min: 0, max: 10, value: 9 });
    expect(model.error).toBeNull();
  });

  it('shows an error for a bad message and keeps the last good state', () => {
    const model = sliderModel();
    model.handleMessage(create);
    model.handleMessage({ action: 'update_value', value: 'eleven' });
    expect(model.error).toMatch(/must be a number/);
    expect(model.state).toEqual({ min: 0, max: 10, value: 5 });
    expect(model.connected).toBe(true);
  });

  it('clears the error on the next good message', () => {
    const model = sliderModel();
    model.handleMessage({ action: 'update_value', value: 1 });
    expect(model.error).toBe('update_value arrived before create');
    model.handleMessage(create);
    expect(model.error).toBeNull();
  });

  it('logs every received message, good or bad', () => {
    const model = sliderModel();
    model.handleMessage(create);
    model.handleMessage('garbage');
    expect(model.log).toEqual([create, 'garbage']);
  });

  it('keeps only the newest 200 log entries, and counts them all', () => {
    const model = sliderModel();
    for (let i = 0; i < 250; i++) {
      model.handleMessage({ action: 'noise', i });
    }
    expect(model.log).toHaveLength(200);
    expect(model.log[199]).toEqual({ action: 'noise', i: 249 });
    expect(model.received).toBe(250);
  });

  it('shows the kernel reason when the kernel closes the comm', () => {
    const model = sliderModel();
    model.handleClose({ reason: 'handler failed' });
    expect(model.connected).toBe(false);
    expect(model.reason).toBe('Closed by the kernel: handler failed');
  });

  it('sends nothing once disconnected', () => {
    const transport = { send: jest.fn(), close: jest.fn() };
    const model = sliderModel(transport);
    model.disconnect('The kernel restarted');
    expect(model.send({ action: 'value_change', value: 1 })).toBe(false);
    expect(transport.send).not.toHaveBeenCalled();
  });

  it('keeps the first disconnect reason', () => {
    const model = sliderModel();
    model.disconnect('The kernel restarted');
    model.disconnect('The kernel connection was closed');
    expect(model.reason).toBe('The kernel restarted');
  });

  it('becomes disconnected instead of throwing when sending fails', () => {
    const model = sliderModel({
      send: () => {
        throw new Error('Kernel is disposed');
      },
      close: jest.fn()
    });
    expect(model.send({ action: 'x' })).toBe(false);
    expect(model.reason).toMatch(/Could not send/);
  });

  it('closing from the frontend closes the comm and disconnects', () => {
    const transport = { send: jest.fn(), close: jest.fn() };
    const model = sliderModel(transport);
    model.close();
    expect(transport.close).toHaveBeenCalledTimes(1);
    expect(model.reason).toBe('Closed from the frontend');
  });

  it('ignores the echo of its own close', () => {
    const model = sliderModel();
    model.close();
    model.handleClose({});
    expect(model.reason).toBe('Closed from the frontend');
    expect(model.log).toEqual([]);
  });

  it('notifies views of every change', () => {
    const model = sliderModel();
    const seen = jest.fn();
    model.changed.connect(seen);
    model.handleMessage(create);
    model.setState({ value: 6 });
    model.disconnect('gone');
    expect(seen).toHaveBeenCalledTimes(3);
  });
});

/** A wire comm_msg; a batch when `items` is given. */
function wire(data: unknown, items?: unknown[]): KernelMessage.ICommMsgMsg {
  const batch = items !== undefined;
  return {
    metadata: batch ? { ipycomm: { seq: 2, batch: items.length } } : {},
    content: {
      comm_id: 'c1',
      data: batch ? { ipycomm_batch: items.map(d => ({ data: d })) } : data
    },
    buffers: []
  } as unknown as KernelMessage.ICommMsgMsg;
}

describe('deliver', () => {
  it('hands a plain message to the model', () => {
    const model = sliderModel();
    deliver(model, wire(create));
    expect(model.state).toEqual(create.config);
  });

  it('applies every message of a batch in order, with one change notification', () => {
    const model = sliderModel();
    const seen = jest.fn();
    model.changed.connect(seen);
    deliver(
      model,
      wire(null, [
        create,
        { action: 'update_value', value: 7 },
        { action: 'update_value', value: 2 }
      ])
    );
    expect(model.state).toEqual({ min: 0, max: 10, value: 2 });
    expect(model.received).toBe(3);
    expect(model.log).toHaveLength(3);
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('shows a malformed batch as an error and keeps the state', () => {
    const model = sliderModel();
    model.handleMessage(create);
    const bad = wire(null, []);
    (bad.content.data as { ipycomm_batch: unknown }).ipycomm_batch = 'oops';
    deliver(model, bad);
    expect(model.error).toMatch(/Batch: .* must be a list/);
    expect(model.state).toEqual(create.config);
    expect(model.connected).toBe(true);
    deliver(model, wire({ action: 'update_value', value: 1 }));
    expect(model.error).toBeNull();
  });
});
