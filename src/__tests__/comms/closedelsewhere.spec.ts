/**
 * @jest-environment jsdom
 */
import type { Kernel } from '@jupyterlab/services';
import { CommManager } from '../../comms/manager';
import type { CommModel } from '../../comms/model';
import { FrontendTargets } from '../../widgets/definitions';
import { ModuleLoader } from '../../widgets/loader';
import { ModuleView } from '../../widgets/moduleview';
import { SliderView } from '../../widgets/slider';
import type { CommView } from '../../widgets/view';
import { commOpenMsg, fakeComm, FakeKernel, IFakeComm } from '../fakes';

/** What the kernel publishes when another client closed the comm (python/ipycomm/peerclose.py). */
const CLOSED_ELSEWHERE = { reason: 'another client closed it' };
const SHOWN = 'Not connected: Closed by the kernel: another client closed it';

/** A kernel-opened comm of `target` and its model, as the page's manager makes them. */
function opened(target: string, data: unknown = {}) {
  const manager = new CommManager({ cells: () => [] });
  const kernel = new FakeKernel();
  const comm = fakeComm(target);
  manager.handleCommOpen(
    kernel.asKernel,
    comm as unknown as Kernel.IComm,
    commOpenMsg(comm, 'exec-1', data)
  );
  const model = manager.registry.get(comm.commId) as CommModel;
  return { manager, kernel, comm, model };
}

/** JupyterLab hands the kernel's comm_close to the comm's onClose. */
function kernelCloses(comm: IFakeComm, data: unknown): void {
  comm.onClose({ content: { data } });
}

const statusOf = (view: CommView): string =>
  view.node.querySelector('.jp-ipycomm-status')?.textContent ?? '';

describe('a comm that another client closed', () => {
  it('shows as closed, with the reason, in every slider view', () => {
    const create = { action: 'create', config: { min: 0, max: 9, value: 4 } };
    const { comm, model } = opened('simple_slider', create);
    const views = [new SliderView(model), new SliderView(model)];
    kernelCloses(comm, CLOSED_ELSEWHERE);
    expect(model.connected).toBe(false);
    for (const view of views) {
      expect(statusOf(view)).toBe(SHOWN);
      expect(view.node.querySelector('input')?.disabled).toBe(true);
    }
  });

  it("shows as closed in a module view, and the module's close listeners run", async () => {
    const { comm, model, kernel } = opened('counter', { count: 0 });
    const targets = new FrontendTargets();
    targets.define(kernel.id, {
      name: 'counter',
      esm: 'source',
      css: null,
      version: 1
    });
    const closed = jest.fn();
    let mounted: () => void = () => undefined;
    const rendered = new Promise<void>(resolve => (mounted = resolve));
    const loader = new ModuleLoader(async () => ({
      render: ({ comm }: { comm: { on(e: string, f: () => void): void } }) => {
        comm.on('close', closed);
        mounted();
      }
    }));
    const view = new ModuleView(model, { targets, loader, trusted: true });
    await rendered;
    kernelCloses(comm, CLOSED_ELSEWHERE);
    expect(closed).toHaveBeenCalledTimes(1);
    expect(statusOf(view)).toBe(SHOWN);
  });
});

describe('a comm the page closed itself', () => {
  it("takes the kernel's later close quietly: no change, no console error", () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { comm, model } = opened('simple_slider');
      const view = new SliderView(model);
      model.close();
      const changed = jest.fn();
      model.changed.connect(changed);
      kernelCloses(comm, CLOSED_ELSEWHERE);
      expect(changed).not.toHaveBeenCalled();
      expect(model.reason).toBe('Closed from the frontend');
      expect(statusOf(view)).toBe('Not connected: Closed from the frontend');
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });
});
