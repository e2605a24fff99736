import { KernelMessage } from '@jupyterlab/services';
import { registerTargets } from '../../kernel/connection';
import { isStaleClose } from '../../kernel/staleclose';
import { WiredKernel } from '../fakes';

/** The comm_close the kernel publishes when some client closed a comm (numbered, as ipycomm's are). */
function closeFromKernel(commId: string, seq = 1): KernelMessage.IMessage {
  return KernelMessage.createMessage({
    msgType: 'comm_close',
    channel: 'iopub',
    session: 'kernel',
    metadata: { ipycomm: { seq } },
    content: { comm_id: commId, data: { reason: 'another client closed it' } }
  });
}

/** A connection with ipycomm's wrapping, holding the comms in `held`. */
function setup(held: string[]) {
  const kernel = new WiredKernel();
  kernel.hasComm.mockImplementation((id?: unknown) =>
    held.includes(id as string)
  );
  registerTargets(kernel.asKernel, ['simple_slider'], {
    onCommOpen: jest.fn(),
    onKernelLost: jest.fn(),
    onConnectionDisposed: jest.fn()
  });
  return kernel;
}

describe('a comm_close from the kernel', () => {
  it('for a comm the page already closed never reaches JupyterLab (no "Comm not found" error)', async () => {
    const kernel = setup([]);
    await kernel.receive(closeFromKernel('closed-here'));
    expect(kernel.handled).toEqual([]);
  });

  it('for a comm the page no longer has is still counted by flow control', async () => {
    const kernel = setup([]);
    await kernel.receive(closeFromKernel('closed-here', 1));
    // The first seq registers the reader with a credit: nothing is reported lost.
    expect(kernel.sendControlMessage).toHaveBeenCalledTimes(1);
    expect(kernel.sendControlMessage.mock.calls[0][0]).toMatchObject({
      content: { reader: kernel.clientId }
    });
  });

  it('for a comm the page holds goes to its handler, which shows it closed', async () => {
    const kernel = setup(['open-here']);
    const close = closeFromKernel('open-here');
    await kernel.receive(close);
    expect(kernel.handled).toEqual([close]);
  });
});

describe('isStaleClose', () => {
  const msg = closeFromKernel('c1');

  it('leaves every message alone on a connection that does not handle comms', () => {
    const kernel = { handleComms: false, hasComm: () => false };
    expect(isStaleClose(kernel, msg)).toBe(false);
  });

  it('looks only at comm_close on iopub', () => {
    const kernel = { handleComms: true, hasComm: () => false };
    expect(isStaleClose(kernel, { ...msg, channel: 'shell' } as never)).toBe(
      false
    );
    expect(isStaleClose(kernel, msg)).toBe(true);
  });
});
