/**
 * The table of widgets: which comm targets ipycomm handles, and for each one how the frontend
 * reduces the kernel's messages and which view shows the comm. Everything else asks this
 * table (the plugin registers `widgetTargets()` on every kernel, the flow reader unpacks
 * batches for them, the model layer reduces with `reducerFor`, views come from `createView`),
 * so adding a widget is one new module in this folder plus one line in WIDGETS.
 */
import type { Widget } from '@lumino/widgets';
import { IWidgetDefinition, IWidgetModel, Reducer } from './api';
import { myWidget } from './mywidget';
import { sliderWidget } from './slider';

/** Every widget ipycomm provides; targets are unique. */
export const WIDGETS: ReadonlyArray<IWidgetDefinition> = [
  sliderWidget,
  myWidget
];

/**
 * The message console: it shows comms of targets no widget claims (so display() of any comm
 * shows something useful), and its target is what "Open comm to kernel target…" proposes.
 */
const CONSOLE = myWidget;

/** The target the "Open comm to kernel target…" command proposes. */
export const DEFAULT_TARGET = CONSOLE.target;

/** Unknown targets keep no state, but their messages are still logged by the model. */
const keepState: Reducer = state => ({ ok: true, value: state });

function definitionOf(target: string): IWidgetDefinition | undefined {
  return WIDGETS.find(widget => widget.target === target);
}

/** The comm targets to register on every kernel connection. */
export function widgetTargets(): string[] {
  return WIDGETS.map(widget => widget.target);
}

/** The reducer for a target's messages. */
export function reducerFor(target: string): Reducer {
  return definitionOf(target)?.reducer ?? keepState;
}

/** A new view of a comm: its target's view, else the message console. */
export function createView(model: IWidgetModel): Widget {
  return (definitionOf(model.targetName) ?? CONSOLE).createView(model);
}
