/**
 * The Comm Inspector in the app shell: created on first use, added to the right sidebar, and
 * kept following the kernel the user works in. Until then nothing watches the kernel's traffic
 * for it.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { CommManager } from '../comms/manager';
import { CommInspector } from '../inspector/inspector';
import { InspectorModel } from '../inspector/inspectormodel';
import { currentKernel, ITrackers, onCurrentKernelChange } from './shell';

/** What "Show Comm Inspector" runs: creates the panel the first time, then reveals it. */
export function inspectorOpener(
  app: JupyterFrontEnd,
  trackers: ITrackers,
  manager: CommManager
): () => void {
  let inspector: CommInspector | null = null;
  return () => {
    if (!inspector) {
      const model = new InspectorModel({ manager });
      const follow = () => model.follow(currentKernel(app, trackers));
      onCurrentKernelChange(app, trackers, follow);
      follow();
      inspector = new CommInspector(model);
      app.shell.add(inspector, 'right', { rank: 1000 });
    }
    app.shell.activateById(inspector.id);
  };
}
