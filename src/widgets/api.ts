/**
 * The contract between ipycomm and a widget: what a widget module defines (its comm target, a
 * reducer for the kernel's messages, and a view), and what a view may read and call on its
 * comm's model. Widget modules depend on this file, never on src/comms/, so the model layer
 * can look widgets up in the table (index.ts) without an import cycle.
 *
 * It is also the public frontend API for labextensions: they register an IWidgetDefinition
 * through the IWidgetRegistry token (registry.ts). Modules defined from Python see a smaller
 * contract (contract.ts).
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

/** One comm message from the kernel, as a view sees it (each item of a batch is one). */
export interface IIncomingMessage {
  readonly data: IJSONObject;
  /** The message's buffers, as the kernel connection made them (no copies). */
  readonly buffers: ReadonlyArray<DataView>;
}

/** Where a view is shown, as far as the view needs to know. */
export interface IViewContext {
  /**
   * Whether the output holding the view is trusted (JupyterLab's trust model): a view may run
   * code the kernel sent only when it is.
   */
  readonly trusted: boolean;
}

/**
 * How a kernel message relates to what this page sent on the same comm, told by its parent
 * header. Several pages on one kernel (a second window, a collaborator) see the same kernel
 * messages, and the kernel may answer a page's message with one every page receives.
 */
export interface IMessageOrigin {
  /**
   * It answers a message this page sent on this comm: its parent's session is this page's
   * kernel connection (its clientId) and its parent is one of the comm's sent messages.
   */
  readonly own: boolean;
  /** It answers the newest message this page sent on this comm. */
  readonly latest: boolean;
}

/** The origin of a message that answers nothing this page sent on the comm. */
export const FOREIGN: IMessageOrigin = { own: false, latest: false };

/**
 * Pure state transition for one incoming message; errors leave the state unchanged. `origin`
 * (undefined when unknown: take it as FOREIGN) lets a reducer ignore stale answers to the
 * page's own messages.
 */
export type Reducer = (
  state: IJSONObject,
  data: unknown,
  origin?: IMessageOrigin
) => Result<IJSONObject>;

/**
 * One comm's model as its views see it (CommModel in src/comms/model.ts). Views only read it
 * and call its methods, so every view of a comm shows the same thing.
 */
export interface IWidgetModel {
  readonly commId: string;
  readonly targetName: string;
  /** The kernel the comm lives in (its id). */
  readonly kernelId: string;
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
  /** Emitted for each message from the kernel, after the state took it in. */
  readonly messageReceived: ISignal<this, IIncomingMessage>;
  clearOutputs(source?: object): void;
  setState(patch: IJSONObject): void;
  /** Sends to the kernel; false when disconnected. Output it causes goes under `source`. */
  send(
    data: IJSONObject,
    source?: object | null,
    buffers?: ReadonlyArray<ArrayBuffer | ArrayBufferView>
  ): boolean;
  close(): void;
}

/** A widget: one comm target and how the frontend handles its comms. */
export interface IWidgetDefinition {
  /** The comm target name, registered on every kernel connection. */
  readonly target: string;
  /** Applies one kernel message to the comm's state. */
  readonly reducer: Reducer;
  /** A new view of the comm, for each place it is shown (under a cell, in the main area). */
  createView(model: IWidgetModel, context: IViewContext): Widget;
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
