/**
 * The contract between ipycomm and a widget: what a widget module defines (its comm target, a
 * reducer for the kernel's messages, and a view), and what a view may read and call on its
 * comm's model. Widget modules depend on this file, never on src/comms/, so the model layer
 * can look widgets up in the table (index.ts) without an import cycle.
 *
 * Kept small on purpose: it is the seed of a public frontend API, where widget authors will
 * define targets from Python as ES modules with `render({ comm, el })`.
 */
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';
import type { ICommOutput } from '../outputs/outputs';
import {
  fail,
  IJSONObject,
  isObject,
  JSONValue,
  ok,
  preview,
  Result
} from '../util/json';

/** Pure state transition for one incoming message; errors leave the state unchanged. */
export type Reducer = (
  state: IJSONObject,
  data: unknown
) => Result<IJSONObject>;

/**
 * One comm's model as its views see it (CommModel in src/comms/model.ts). Views only read it
 * and call its methods, so every view of a comm shows the same thing.
 */
export interface IWidgetModel {
  readonly commId: string;
  readonly targetName: string;
  /** The state the reducer built from the kernel's messages, plus what views set. */
  readonly state: IJSONObject;
  readonly connected: boolean;
  /** Why the model is not connected; empty while connected. */
  readonly reason: string;
  /** The last rejected message, cleared by the next accepted one. */
  readonly error: string | null;
  /** The newest received messages, and how many arrived in all. */
  readonly log: ReadonlyArray<JSONValue>;
  readonly received: number;
  /** What kernel handlers printed or raised for messages a view sent. */
  readonly outputs: { visibleTo(source: object): ICommOutput[] };
  /** Emitted after any change of the above. */
  readonly changed: ISignal<this, void>;
  clearOutputs(source?: object): void;
  setState(patch: IJSONObject): void;
  /** Sends to the kernel; false when disconnected. Output it causes goes under `source`. */
  send(data: IJSONObject, source?: object | null): boolean;
  close(): void;
}

/** A widget: one comm target and how the frontend handles its comms. */
export interface IWidgetDefinition {
  /** The comm target name, registered on every kernel connection. */
  readonly target: string;
  /** Applies one kernel message to the comm's state. */
  readonly reducer: Reducer;
  /** A new view of the comm, for each place it is shown (under a cell, in the main area). */
  createView(model: IWidgetModel): Widget;
}

/** Reads the `action` field every ipycomm widget message carries. */
export function parseAction(data: unknown): Result<string> {
  if (!isObject(data)) {
    return fail(`Expected a JSON object, got ${preview(data)}`);
  }
  const action = data.action;
  if (typeof action !== 'string' || !action) {
    return fail(`Message has no "action": ${preview(data)}`);
  }
  return ok(action);
}
