import type { KernelMessage } from '@jupyterlab/services';
import { CommModel, IOutputChannel } from '../../comms/model';

function setup() {
  const channels: IOutputChannel[] = [];
  const transport = {
    send: jest.fn(() => {
      const channel: IOutputChannel = { onIOPub: () => undefined };
      channels.push(channel);
      return channel;
    }),
    close: jest.fn()
  };
  const model = new CommModel({
    commId: 'c',
    targetName: 't',
    kernelId: 'k',
    transport
  });
  const publish = (i: number, text: string) =>
    channels[i].onIOPub({
      header: { msg_type: 'stream' },
      content: { name: 'stdout', text }
    } as unknown as KernelMessage.IIOPubMessage);
  return { model, publish };
}

describe('CommModel output', () => {
  it('keeps what the kernel printed for a message under the view that sent it', () => {
    const { model, publish } = setup();
    const view = {};
    const changed = jest.fn();
    model.changed.connect(changed);
    model.send({ action: 'x' }, view);
    publish(0, 'printed\n');
    expect(model.outputs.visibleTo(view)).toEqual([
      { kind: 'stdout', text: 'printed\n' }
    ]);
    expect(model.outputs.visibleTo({})).toEqual([]);
    expect(changed).toHaveBeenCalled();
  });

  it('clears the output of one view', () => {
    const { model, publish } = setup();
    const view = {};
    model.send({ action: 'x' }, view);
    publish(0, 'a');
    model.clearOutputs(view);
    expect(model.outputs.visibleTo(view)).toEqual([]);
  });
});
