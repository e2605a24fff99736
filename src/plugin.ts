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
import { addOpenCommCommand, CommandIDs } from './commands';
import { CommManager } from './manager';
import { MY_WIDGET_TARGET, SLIDER_TARGET } from './protocol';
import { createRendererFactory } from './renderer';
import {
  allCells,
  currentKernel,
  ITrackers,
  kernelFor,
  showView
} from './shell';
import { registerOnEveryKernel } from './targets';
import { createView } from './views';

function activate(
  app: JupyterFrontEnd,
  rendermime: IRenderMimeRegistry,
  notebooks: INotebookTracker | null,
  consoles: IConsoleTracker | null,
  palette: ICommandPalette | null
): void {
  const trackers: ITrackers = { notebooks, consoles };
  const manager = new CommManager({ cells: () => allCells(trackers) });
  registerOnEveryKernel(
    [notebooks, consoles],
    [SLIDER_TARGET, MY_WIDGET_TARGET],
    {
      onCommOpen: manager.handleCommOpen.bind(manager),
      onKernelLost: manager.handleKernelLost.bind(manager),
      onConnectionDisposed: manager.handleConnectionDisposed.bind(manager)
    }
  );
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
  palette?.addItem({ command: CommandIDs.openComm, category: 'ipycomm' });
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
