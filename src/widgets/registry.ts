/**
 * The table of widgets as a public service: the comm targets ipycomm gives a view, each with
 * its reducer and view factory. ipycomm's own widgets register here, and so can another
 * labextension, through the IWidgetRegistry token:
 *
 *     activate: (app, widgets: IWidgetRegistry) => widgets.register({ target, reducer, createView })
 *
 * Its comms then get ipycomm's models, batches, flow control, handler output under the view and
 * re-attach after a reload, like the built-in widgets.
 */
import { Token } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';
import type { IWidgetDefinition } from './api';

/** Something that can be undone once (the same shape as Lumino's IDisposable). */
export interface IDisposable {
  readonly isDisposed: boolean;
  dispose(): void;
}

/** The table of widgets ipycomm shows, open to other labextensions. */
export interface IWidgetRegistry {
  /**
   * Adds a widget for its comm target, on every kernel connection, now and later. Throws if
   * the target has a widget already; disposing the result removes it again.
   */
  register(definition: IWidgetDefinition): IDisposable;
  /** The widget of a target, if one is registered. */
  get(target: string): IWidgetDefinition | undefined;
  /** Every registered target. */
  targets(): string[];
  /** Emitted with the target of each widget registered after start-up. */
  readonly added: ISignal<IWidgetRegistry, string>;
}

/** The token through which a labextension registers widgets with ipycomm. */
export const IWidgetRegistry = new Token<IWidgetRegistry>(
  'ipycomm:IWidgetRegistry',
  'The table of comm targets that ipycomm gives a view; register yours here.'
);

export class WidgetRegistry implements IWidgetRegistry {
  constructor(builtins: ReadonlyArray<IWidgetDefinition> = []) {
    builtins.forEach(definition => this._add(definition));
  }

  get added(): ISignal<this, string> {
    return this._added;
  }

  register(definition: IWidgetDefinition): IDisposable {
    this._add(definition);
    this._added.emit(definition.target);
    let isDisposed = false;
    return {
      get isDisposed() {
        return isDisposed;
      },
      dispose: () => {
        if (
          !isDisposed &&
          this._widgets.get(definition.target) === definition
        ) {
          this._widgets.delete(definition.target);
        }
        isDisposed = true;
      }
    };
  }

  get(target: string): IWidgetDefinition | undefined {
    return this._widgets.get(target);
  }

  targets(): string[] {
    return [...this._widgets.keys()];
  }

  private _add(definition: IWidgetDefinition): void {
    const { target } = definition;
    if (typeof target !== 'string' || !target) {
      throw new TypeError(
        `ipycomm: a widget needs a non-empty target name, got ${String(target)}`
      );
    }
    if (typeof definition.createView !== 'function') {
      throw new TypeError(
        `ipycomm: the widget of '${target}' has no createView`
      );
    }
    if (this._widgets.has(target)) {
      throw new Error(`ipycomm: comm target '${target}' already has a widget`);
    }
    this._widgets.set(target, definition);
  }

  private _widgets = new Map<string, IWidgetDefinition>();
  private _added = new Signal<this, string>(this);
}
