/**
 * Wiring only: connects JupyterLab's services to ipycomm's modules.
 */
import { PageConfig } from '@jupyterlab/coreutils';
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { KernelConnection } from '@jupyterlab/services';
import { addCommands } from './app/commands';
import { documentStatesFor } from './app/documents';
import { inspectorOpener } from './app/inspector';
import {
  allCells,
  currentKernel,
  ITrackers,
  kernelFor,
  showView
} from './app/shell';
import { CommManager } from './comms/manager';
import type { IKernelEvents } from './kernel/connection';
import { createRendererFactory } from './comms/renderer';
import {
  registerOnEveryConnection,
  registerOnEveryKernel,
  registerTarget
} from './kernel/connection';
import { watchDefinitions } from './kernel/definitionscomm';
import {
  createView,
  frontendTargets,
  widgetRegistry,
  widgetTargets
} from './widgets';
import { IWidgetRegistry } from './widgets/registry';
import { resyncAfterReconnect } from './widgets/syncedstate';
import { untrackCommStatuses } from './kernel/commstatus';
import { recordTraffic } from './inspector/recorder';
import { quietStatusesPossible } from './compat';

/** What happens on each kernel connection: comms, kernel loss, the kernel's definitions. */
function kernelEvents(manager: CommManager): IKernelEvents {
  const events: IKernelEvents = {
    onCommOpen: manager.handleCommOpen.bind(manager),
    onKernelLost: manager.handleKernelLost.bind(manager),
    onConnectionDisposed: manager.handleConnectionDisposed.bind(manager),
    onOpenFailed: manager.reportOpenFailure.bind(manager),
    onConnection: kernel => {
      // The Comm Inspector shows a connection's traffic since it started, panel open or not.
      recordTraffic(kernel);
      // A synced state asks the kernel again after a dropped connection comes back.
      resyncAfterReconnect(kernel, () => manager.registry.forKernel(kernel.id));
      watchDefinitions(kernel, {
        targets: frontendTargets,
        registerTarget: (connection, name) =>
          registerTarget(connection, name, events)
      });
    }
  };
  return events;
}

function activate(
  app: JupyterFrontEnd,
  rendermime: IRenderMimeRegistry,
  notebooks: INotebookTracker | null,
  consoles: IConsoleTracker | null,
  palette: ICommandPalette | null
): IWidgetRegistry {
  if (quietStatusesPossible(KernelConnection)) {
    untrackCommStatuses(PageConfig);
  }
  const trackers: ITrackers = { notebooks, consoles };
  const manager = new CommManager({ cells: () => allCells(trackers) });
  const events = kernelEvents(manager);
  registerOnEveryKernel([notebooks, consoles], widgetTargets(), events);
  widgetRegistry.added.connect((_, target) =>
    registerOnEveryConnection(target)
  );
  // Added before any document opens, so every notebook's rendermime clone inherits it.
  rendermime.addFactory(
    createRendererFactory({
      manager,
      kernelFor: widget => kernelFor(trackers, widget),
      createView,
      definitionsOf: kernel => frontendTargets.synced(kernel.id),
      documentFor: documentStatesFor
    }),
    0
  );
  addCommands(app.commands, palette, {
    manager,
    currentKernel: () => currentKernel(app, trackers),
    show: model => showView(app, createView(model), `${model.targetName} comm`),
    showInspector: inspectorOpener(app, trackers, manager)
  });
  return widgetRegistry;
}

const plugin: JupyterFrontEndPlugin<IWidgetRegistry> = {
  id: 'ipycomm:plugin',
  description: 'Comm targets and views for ipycomm widgets.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [INotebookTracker, IConsoleTracker, ICommandPalette],
  provides: IWidgetRegistry,
  activate
};

export default plugin;
