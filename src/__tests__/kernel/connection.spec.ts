import type { ISessionContext } from '@jupyterlab/apputils';
import type { KernelMessage } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import {
  IKernelEvents,
  registerTargets,
  watchSessionContext
} from '../../kernel/connection';
import { FakeKernel } from '../fakes';

function events(): jest.Mocked<IKernelEvents> {
  return {
    onCommOpen: jest.fn(),
    onKernelLost: jest.fn(),
    onConnectionDisposed: jest.fn()
  };
}

describe('registerTargets', () => {
  it('registers every target once per connection', () => {
    const kernel = new FakeKernel();
    const ev = events();
    registerTargets(kernel.asKernel, ['simple_slider', 'my_widget'], ev);
    registerTargets(kernel.asKernel, ['simple_slider', 'my_widget'], ev);
    expect(kernel.registerCommTarget).toHaveBeenCalledTimes(2);
    expect([...kernel.targets.keys()]).toEqual(['simple_slider', 'my_widget']);
  });

  it('registers on each connection to a shared kernel', () => {
    const a = new FakeKernel('shared');
    const b = new FakeKernel('shared');
    registerTargets(a.asKernel, ['simple_slider'], events());
    registerTargets(b.asKernel, ['simple_slider'], events());
    expect(a.registerCommTarget).toHaveBeenCalledTimes(1);
    expect(b.registerCommTarget).toHaveBeenCalledTimes(1);
  });

  it('reports restarts and shutdowns, not ordinary status changes', () => {
    const kernel = new FakeKernel();
    const ev = events();
    registerTargets(kernel.asKernel, ['simple_slider'], ev);
    kernel.statusChanged.emit('busy');
    kernel.statusChanged.emit('idle');
    expect(ev.onKernelLost).not.toHaveBeenCalled();
    kernel.statusChanged.emit('restarting');
    kernel.statusChanged.emit('dead');
    expect(ev.onKernelLost.mock.calls.map(call => call[1])).toEqual([
      'The kernel restarted',
      'The kernel shut down or died'
    ]);
  });

  it('reports a disposed connection', () => {
    const kernel = new FakeKernel();
    const ev = events();
    registerTargets(kernel.asKernel, ['simple_slider'], ev);
    kernel.disposed.emit();
    expect(ev.onConnectionDisposed).toHaveBeenCalledWith(kernel);
  });

  it('makes each connection one flow-control reader whose batch targets are the targets', () => {
    const kernel = new FakeKernel();
    registerTargets(kernel.asKernel, ['simple_slider', 'my_widget'], events());
    registerTargets(kernel.asKernel, ['simple_slider', 'my_widget'], events());
    kernel.iopubMessage.emit({
      metadata: { ipycomm: { seq: 1 } }
    } as unknown as KernelMessage.IIOPubMessage);
    expect(kernel.sendControlMessage).toHaveBeenCalledTimes(1);
    expect(kernel.sendControlMessage.mock.calls[0][0]).toMatchObject({
      content: {
        reader: kernel.clientId,
        batch_targets: ['simple_slider', 'my_widget']
      }
    });
  });

  it('keeps a failing handler from throwing into the kernel connection', () => {
    const kernel = new FakeKernel();
    const ev = events();
    ev.onCommOpen.mockImplementation(() => {
      throw new Error('boom');
    });
    const warn = jest
      .spyOn(console, 'warn')
      .mockImplementation(() => undefined);
    registerTargets(kernel.asKernel, ['simple_slider'], ev);
    expect(() =>
      kernel.targets.get('simple_slider')?.({ commId: 'c' }, {})
    ).not.toThrow();
    warn.mockRestore();
  });
});

describe('watchSessionContext', () => {
  function fakeContext(kernel: FakeKernel | null) {
    const context = {
      session: kernel ? { kernel } : null,
      kernelChanged: new Signal<unknown, unknown>({})
    };
    return context;
  }

  it('connects to the current kernel and to every later one', () => {
    const first = new FakeKernel('k1');
    const context = fakeContext(first);
    const seen: unknown[] = [];
    watchSessionContext(context as unknown as ISessionContext, k =>
      seen.push(k)
    );
    const second = new FakeKernel('k2');
    context.session = { kernel: second };
    context.kernelChanged.emit({});
    expect(seen).toEqual([first, second]);
  });

  it('waits for a kernel when the notebook opened before its kernel started', () => {
    const context = fakeContext(null);
    const seen: unknown[] = [];
    watchSessionContext(context as unknown as ISessionContext, k =>
      seen.push(k)
    );
    expect(seen).toEqual([]);
    const kernel = new FakeKernel();
    context.session = { kernel };
    context.kernelChanged.emit({});
    expect(seen).toEqual([kernel]);
  });
});
