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
import { addCommands } from './app/commands';
import { inspectorOpener } from './app/inspector';
import {
  allCells,
  currentKernel,
  ITrackers,
  kernelFor,
  showView
} from './app/shell';
import { CommManager } from './comms/manager';
import { createRendererFactory } from './comms/renderer';
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
  addCommands(app.commands, palette, {
    manager,
    currentKernel: () => currentKernel(app, trackers),
    show: model => showView(app, createView(model), `${model.targetName} comm`),
    showInspector: inspectorOpener(app, trackers, manager)
  });
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
