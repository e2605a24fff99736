/**
 * @jest-environment jsdom
 */
import type { Kernel } from '@jupyterlab/services';
import { CommManager } from '../../comms/manager';
import type { CommModel } from '../../comms/model';
import type { IModuleComm, RenderFunction } from '../../widgets/contract';
import { FrontendTargets } from '../../widgets/definitions';
import { ModuleLoader } from '../../widgets/loader';
import { CLOSED_TEXT, ModuleView } from '../../widgets/moduleview';
import { commOpenMsg, fakeComm, FakeKernel } from '../fakes';

/** A kernel-opened comm of target 't', and a module view of it whose module is `render`. */
function viewOf(render: RenderFunction) {
  const manager = new CommManager({ cells: () => [] });
  const kernel = new FakeKernel();
  const comm = fakeComm('t');
  manager.handleCommOpen(
    kernel.asKernel,
    comm as unknown as Kernel.IComm,
    commOpenMsg(comm, 'exec-1', {})
  );
  const model = manager.registry.get(comm.commId) as CommModel;
  const targets = new FrontendTargets();
  targets.define(kernel.id, {
    name: 't',
    esm: 'source',
    css: null,
    version: 1
  });
  const loader = new ModuleLoader(async () => ({ render }));
  const view = new ModuleView(model, { targets, loader, trusted: true });
  const kernelCloses = () => comm.onClose({ content: { data: {} } });
  return { view, kernelCloses };
}

const problemOf = (view: ModuleView) =>
  view.node.querySelector('.jp-ipycomm-module-problem') as HTMLElement;

/** Resolves once `problem` shows something. */
const shown = (problem: HTMLElement) =>
  new Promise<void>(resolve => {
    const observer = new MutationObserver(() => {
      if (problem.textContent) {
        observer.disconnect();
        resolve();
      }
    });
    observer.observe(problem, { childList: true, subtree: true });
  });

describe('a module view whose comm closes while render awaits a request', () => {
  it('says calmly that the comm was closed, with no error and no stack', async () => {
    let asked: () => void = () => undefined;
    const asking = new Promise<void>(resolve => (asked = resolve));
    const { view, kernelCloses } = viewOf(async ({ comm }) => {
      const reply = (comm as IModuleComm).request({ action: 'get_state' });
      asked();
      await reply;
    });
    await asking;
    const problem = problemOf(view);
    const noted = shown(problem);
    kernelCloses();
    await noted;
    expect(problem.textContent).toBe(CLOSED_TEXT);
    expect(problem.classList.contains('jp-ipycomm-error')).toBe(false);
    expect(problem.querySelector('details')).toBeNull();
  });
});

describe('a module view whose render throws', () => {
  it('shows the message, and the stack in a closed <details>', async () => {
    const { view } = viewOf(() => {
      throw new RangeError('boom in render');
    });
    const problem = problemOf(view);
    await shown(problem);
    expect(problem.classList.contains('jp-ipycomm-error')).toBe(true);
    expect(
      problem.querySelector('.jp-ipycomm-module-message')?.textContent
    ).toBe("render() of target 't' raised: RangeError: boom in render");
    const details = problem.querySelector('details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.querySelector('pre')?.textContent).toMatch(/\bat\b/);
  });
});
