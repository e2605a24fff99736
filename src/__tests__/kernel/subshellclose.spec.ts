import { KernelMessage } from '@jupyterlab/services';
import { registerTargets } from '../../kernel/connection';
import {
  CLOSE_TIMEOUT_MS,
  orderSubshellCloses
} from '../../kernel/subshellclose';
import { FakeKernel, WiredKernel } from '../fakes';

type Message = KernelMessage.IMessage;

function commClose(subshell: string | null): Message {
  return KernelMessage.createMessage({
    msgType: 'comm_close',
    channel: 'shell',
    session: 'page',
    subshellId: subshell,
    content: { comm_id: 'c1', data: {} }
  });
}

function deleteSubshell(subshell: string): Message {
  return KernelMessage.createMessage({
    msgType: 'delete_subshell_request',
    channel: 'control',
    session: 'page',
    content: { subshell_id: subshell }
  });
}

function interrupt(): Message {
  return KernelMessage.createMessage({
    msgType: 'interrupt_request',
    channel: 'control',
    session: 'page',
    content: {}
  });
}

function idleAfter(request: Message): Message {
  return KernelMessage.createMessage({
    msgType: 'status',
    channel: 'iopub',
    session: 'kernel',
    parentHeader: request.header as KernelMessage.IHeader<'comm_close'>,
    content: { execution_state: 'idle' }
  });
}

function setup(timeoutMs?: number) {
  const kernel = new WiredKernel();
  const debug = jest.fn();
  expect(orderSubshellCloses(kernel.asKernel, { timeoutMs, debug })).toBe(true);
  return { kernel, debug };
}

describe('orderSubshellCloses', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it("holds a subshell's delete until the kernel has handled the close sent to it", async () => {
    const { kernel } = setup();
    const close = commClose('sub-1');
    const del = deleteSubshell('sub-1');
    kernel.send(close);
    kernel.send(del);
    expect(kernel.wire).toEqual([close]);
    await kernel.receive(idleAfter(interrupt()));
    expect(kernel.wire).toEqual([close]);
    const idle = idleAfter(close);
    await kernel.receive(idle);
    expect(kernel.wire).toEqual([close, del]);
    expect(kernel.handled).toContain(idle);
  });

  it('waits for every close sent to the subshell (two comms of one target)', async () => {
    const { kernel } = setup();
    const first = commClose('sub-1');
    const second = commClose('sub-1');
    const del = deleteSubshell('sub-1');
    [first, second, del].forEach(msg => kernel.send(msg));
    await kernel.receive(idleAfter(first));
    expect(kernel.wire).toEqual([first, second]);
    await kernel.receive(idleAfter(second));
    expect(kernel.wire).toEqual([first, second, del]);
  });

  it('sends the delete after the timeout when the idle of the close never arrives', async () => {
    jest.useFakeTimers();
    const { kernel, debug } = setup();
    const close = commClose('sub-1');
    const del = deleteSubshell('sub-1');
    kernel.send(close);
    kernel.send(del);
    // The close's idle is never delivered.
    jest.advanceTimersByTime(CLOSE_TIMEOUT_MS - 1);
    expect(kernel.wire).toEqual([close]);
    jest.advanceTimersByTime(1);
    expect(kernel.wire).toEqual([close, del]);
    expect(debug).toHaveBeenCalledTimes(1);
    expect(debug.mock.calls[0][0]).toMatch(/no idle status .* sub-1/);
    // A late idle changes nothing.
    await kernel.receive(idleAfter(close));
    expect(kernel.wire).toEqual([close, del]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not hold other control messages, before or while a delete waits', () => {
    const { kernel } = setup();
    const before = interrupt();
    kernel.send(before);
    kernel.send(commClose('sub-1'));
    const held = deleteSubshell('sub-1');
    kernel.send(held);
    const during = interrupt();
    const otherDelete = deleteSubshell('sub-2');
    kernel.send(during);
    kernel.send(otherDelete);
    expect(kernel.wire).not.toContain(held);
    expect(kernel.wire.slice(-2)).toEqual([during, otherDelete]);
    expect(kernel.wire[0]).toBe(before);
  });

  it('holds nothing for a close on the main shell (subshells off)', () => {
    const { kernel } = setup();
    const close = commClose(null);
    const del = deleteSubshell('sub-1');
    kernel.send(close);
    kernel.send(del);
    expect(kernel.wire).toEqual([close, del]);
  });

  it('forgets a held delete when the kernel restarts: its subshells are gone', async () => {
    jest.useFakeTimers();
    const { kernel } = setup();
    const close = commClose('sub-1');
    kernel.send(close);
    kernel.send(deleteSubshell('sub-1'));
    kernel.statusChanged.emit('restarting');
    expect(jest.getTimerCount()).toBe(0);
    await kernel.receive(idleAfter(close));
    expect(kernel.wire).toEqual([close]);
  });

  it('is installed on every connection that gets ipycomm targets', async () => {
    const kernel = new WiredKernel();
    registerTargets(kernel.asKernel, ['simple_slider'], {
      onCommOpen: jest.fn(),
      onKernelLost: jest.fn(),
      onConnectionDisposed: jest.fn()
    });
    const close = commClose('sub-1');
    const del = deleteSubshell('sub-1');
    kernel.send(close);
    kernel.send(del);
    expect(kernel.wire).toEqual([close]);
    await kernel.receive(idleAfter(close));
    expect(kernel.wire).toEqual([close, del]);
  });

  it('leaves a connection it cannot wrap unchanged', () => {
    const kernel = new FakeKernel();
    expect(orderSubshellCloses(kernel.asKernel)).toBe(false);
  });
});
