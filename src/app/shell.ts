/**
 * Where things are in the running app: the cells of open notebooks and consoles, the kernel
 * behind a piece of DOM, the kernel the user is working in, and where to show a view.
 * Works with JupyterLab and Notebook 7 shells; consoles are optional.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { ISessionContext, MainAreaWidget } from '@jupyterlab/apputils';
import type { IConsoleTracker } from '@jupyterlab/console';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { Kernel } from '@jupyterlab/services';
import type { Widget } from '@lumino/widgets';

export interface ITrackers {
  notebooks: INotebookTracker | null;
  consoles: IConsoleTracker | null;
}

interface ISessionWidget {
  node: HTMLElement;
  sessionContext: ISessionContext;
}

function sessionWidgets({ notebooks, consoles }: ITrackers): ISessionWidget[] {
  const all = () => true;
  return [...(notebooks?.filter(all) ?? []), ...(consoles?.filter(all) ?? [])];
}

/** Every cell of every open notebook and console, including a console's prompt cell. */
export function* allCells({
  notebooks,
  consoles
}: ITrackers): Iterable<unknown> {
  for (const panel of notebooks?.filter(() => true) ?? []) {
    yield* panel.content.widgets;
  }
  for (const panel of consoles?.filter(() => true) ?? []) {
    yield* panel.console.cells;
    if (panel.console.promptCell) {
      yield panel.console.promptCell;
    }
  }
}

function hasSession(widget: Widget): widget is Widget & ISessionWidget {
  return 'sessionContext' in widget && !!widget.sessionContext;
}

/**
 * The notebook or console panel containing `widget`: its nearest ancestor with a session,
 * else a tracked panel whose DOM contains it (for widgets attached outside the Lumino tree).
 */
function ownerOf(
  trackers: ITrackers,
  widget: Widget
): ISessionWidget | undefined {
  for (let w: Widget | null = widget; w; w = w.parent) {
    if (hasSession(w)) {
      return w;
    }
  }
  return sessionWidgets(trackers).find(panel =>
    panel.node.contains(widget.node)
  );
}

/** The kernel of the notebook or console containing `widget`, after its session is ready. */
export async function kernelFor(
  trackers: ITrackers,
  widget: Widget
): Promise<Kernel.IKernelConnection | null> {
  const owner = ownerOf(trackers, widget);
  if (!owner) {
    return null;
  }
  await owner.sessionContext.ready;
  return owner.sessionContext.session?.kernel ?? null;
}

/** The kernel of the notebook or console the user is looking at, preferring the focused one. */
export function currentKernel(
  app: JupyterFrontEnd,
  trackers: ITrackers
): Kernel.IKernelConnection | null {
  const current = app.shell.currentWidget;
  const candidates = [
    trackers.notebooks?.currentWidget,
    trackers.consoles?.currentWidget
  ];
  const focused = candidates.find(widget => widget && widget === current);
  const widget = focused ?? candidates.find(Boolean);
  return widget?.sessionContext.session?.kernel ?? null;
}

let counter = 0;

/**
 * Shows a view in the main area. Notebook 7's main area holds one document only and ignores
 * further widgets, so there the view goes to the bottom panel.
 */
export function showView(
  app: JupyterFrontEnd,
  content: Widget,
  label: string
): void {
  const widget = new MainAreaWidget({ content });
  widget.id = `ipycomm-view-${++counter}`;
  widget.title.label = label;
  widget.title.closable = true;
  app.shell.add(widget, 'main');
  if (!widget.isAttached) {
    app.shell.add(widget, 'down');
  }
  app.shell.activateById(widget.id);
}

/**
 * Calls `fn` whenever the kernel the user is working in may have changed: another notebook or
 * console became current, or the kernel of any of them changed.
 */
export function onCurrentKernelChange(
  app: JupyterFrontEnd,
  trackers: ITrackers,
  fn: () => void
): void {
  app.shell.currentChanged?.connect(fn);
  for (const tracker of [trackers.notebooks, trackers.consoles]) {
    tracker?.currentChanged.connect(fn);
    tracker?.forEach(panel => panel.sessionContext.kernelChanged.connect(fn));
    tracker?.widgetAdded.connect((_, panel) =>
      panel.sessionContext.kernelChanged.connect(fn)
    );
  }
}
