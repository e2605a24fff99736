/**
 * The document behind a piece of DOM: the context of the nearest document widget (a notebook
 * panel) around a widget, and one DocumentStates per context.
 */
import type { Widget } from '@lumino/widgets';
import {
  DocumentStates,
  IContextLike,
  IDocumentStates
} from '../comms/docstates';

const states = new WeakMap<IContextLike, DocumentStates>();

function contextOf(widget: Widget): IContextLike | null {
  const context = (widget as Partial<{ context: Partial<IContextLike> }>)
    .context;
  return context?.saveState && context.model ? (context as IContextLike) : null;
}

/** The states of the document containing `widget` (attached), or null outside documents. */
export function documentStatesFor(widget: Widget): IDocumentStates | null {
  for (let w: Widget | null = widget; w; w = w.parent) {
    const context = contextOf(w);
    if (context) {
      let found = states.get(context);
      if (!found) {
        found = new DocumentStates(context);
        states.set(context, found);
      }
      return found;
    }
  }
  return null;
}
