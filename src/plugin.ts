/**
 * Wiring only: connects JupyterLab's services to ipycomm's modules.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import {
  addInspectorCommand,
  addOpenCommCommand,
  CommandIDs
} from './app/commands';
import { CommInspector } from './inspector/inspector';
import { InspectorModel } from './inspector/inspectormodel';
import { CommManager } from './comms/manager';
import { createRendererFactory } from './comms/renderer';
import {
  allCells,
  currentKernel,
  ITrackers,
  kernelFor,
  onCurrentKernelChange,
  showView
} from './app/shell';
import { registerOnEveryKernel } from './kernel/connection';
import { createView, widgetTargets } from './widgets';

function activate(
  app: JupyterFrontEnd,
  rendermime: IRenderMimeRegistry,
  notebooks: INotebookTracker | null,
  consoles: IConsoleTracker | null,
  palette: ICommandPalette | null
): void {
  const trackers: ITrackers = { notebooks, consoles };
  const manager = new CommManager({ cells: () => allCells(trackers) });
  registerOnEveryKernel([notebooks, consoles], widgetTargets(), {
    onCommOpen: manager.handleCommOpen.bind(manager),
    onKernelLost: manager.handleKernelLost.bind(manager),
    onConnectionDisposed: manager.handleConnectionDisposed.bind(manager),
    onOpenFailed: manager.reportOpenFailure.bind(manager)
  });
  // Added before any document opens, so every notebook's rendermime clone inherits it.
  rendermime.addFactory(
    createRendererFactory({
      manager,
      kernelFor: widget => kernelFor(trackers, widget),
      createView
    }),
    0
  );
  addOpenCommCommand(app.commands, {
    manager,
    currentKernel: () => currentKernel(app, trackers),
    show: model => showView(app, createView(model), `${model.targetName} comm`)
  });
  let inspector: CommInspector | null = null;
  addInspectorCommand(app.commands, () => {
    if (!inspector) {
      const model = new InspectorModel({ manager });
      const follow = () => model.follow(currentKernel(app, trackers));
      onCurrentKernelChange(app, trackers, follow);
      follow();
      inspector = new CommInspector(model);
      app.shell.add(inspector, 'right', { rank: 1000 });
    }
    app.shell.activateById(inspector.id);
  });
  for (const command of [CommandIDs.openComm, CommandIDs.inspector]) {
    palette?.addItem({ command, category: 'ipycomm' });
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'ipycomm:plugin',
  description: 'Comm targets and views for ipycomm widgets.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [INotebookTracker, IConsoleTracker, ICommandPalette],
  activate
};

export default plugin;
