/**
 * The table of widgets: which comm targets ipycomm handles, and for each one how the frontend
 * reduces the kernel's messages and which view shows the comm. Everything else asks this
 * table (the plugin registers `widgetTargets()` on every kernel, the flow reader unpacks
 * batches for them, the model layer reduces with `reducerFor`, views come from `createView`).
 *
 * Three kinds of target have a view: the built-in widgets (one module in this folder plus one
 * line in WIDGETS), widgets other labextensions register through the IWidgetRegistry token,
 * and targets a kernel defined from Python (`ipycomm.frontend_target`), whose views run the
 * kernel's ES module. Comms of any other target show in the message console.
 */
import type { Widget } from '@lumino/widgets';
import { IViewContext, IWidgetDefinition, IWidgetModel, Reducer } from './api';
import { FrontendTargets } from './definitions';
import { ModuleLoader } from './loader';
import { ModuleView } from './moduleview';
import { myWidget } from './mywidget';
import { WidgetRegistry } from './registry';
import { sliderWidget } from './slider';

/** Every widget ipycomm provides; targets are unique. */
export const WIDGETS: ReadonlyArray<IWidgetDefinition> = [
  sliderWidget,
  myWidget
];

/** The page's table: the built-in widgets, and those other labextensions register. */
export const widgetRegistry = new WidgetRegistry(WIDGETS);

/** The targets each kernel defined from Python. */
export const frontendTargets = new FrontendTargets();

const loader = new ModuleLoader();

/**
 * The message console: it shows comms of targets no widget claims (so display() of any comm
 * shows something useful), and its target is what "Open comm to kernel target…" proposes.
 */
const CONSOLE = myWidget;

/** The target the "Open comm to kernel target…" command proposes. */
export const DEFAULT_TARGET = CONSOLE.target;

/** Unknown targets keep no state, but their messages are still logged by the model. */
const keepState: Reducer = state => ({ ok: true, value: state });

/** The comm targets to register on every kernel connection. */
export function widgetTargets(): string[] {
  return widgetRegistry.targets();
}

/** The reducer for a target's messages. */
export function reducerFor(target: string): Reducer {
  return widgetRegistry.get(target)?.reducer ?? keepState;
}

/** Whether a kernel defined this target from Python. */
export function isFrontendTarget(kernelId: string, target: string): boolean {
  return !widgetRegistry.get(target) && !!frontendTargets.get(kernelId, target);
}

/**
 * A new view of a comm: its widget's view, else the view of the module its kernel defined,
 * else the message console. Views made outside an output (the main area) are the user's own
 * and count as trusted.
 */
export function createView(
  model: IWidgetModel,
  context: IViewContext = { trusted: true }
): Widget {
  const widget = widgetRegistry.get(model.targetName);
  if (widget) {
    return widget.createView(model, context);
  }
  if (isFrontendTarget(model.kernelId, model.targetName)) {
    return new ModuleView(model, {
      targets: frontendTargets,
      loader,
      trusted: context.trusted
    });
  }
  return CONSOLE.createView(model, context);
}
