/**
 * The comm wire format as the frontend sees it: message shapes, and pure validation of
 * everything a kernel or a saved notebook hands us.
 *
 * Mirrors python/ipycomm/protocol.py. Every parser returns a result instead of throwing, so
 * one malformed message becomes an inline error in one view and never an uncaught exception
 * inside the kernel connection's message chain (which would stall every other comm).
 */

/** Mime type of a view of a comm in an output area (VIEW_MIME_TYPE in protocol.py). */
export const VIEW_MIME_TYPE = 'application/vnd.ipycomm.view+json';

/** Comm targets whose views this extension provides. */
export const SLIDER_TARGET = 'simple_slider';
export const MY_WIDGET_TARGET = 'my_widget';

export type JSONPrimitive = string | number | boolean | null;
export type JSONValue = JSONPrimitive | IJSONObject | JSONValue[];
export interface IJSONObject {
  [key: string]: JSONValue;
}

/**
 * The metadata key of ipycomm's flow control on comm messages (FLOW_KEY in protocol.py):
 * `{"seq": n}` on every comm message the kernel publishes, plus `"batch": k` on a batch.
 * See docs/flow-control.md.
 */
export const FLOW_KEY = 'ipycomm';
/** The control-channel message by which a reader grants credit to the kernel. */
export const CREDIT_MSG_TYPE = 'ipycomm_credit';
/** The key of a batch's items in its comm data (BATCH_KEY in batch.py). */
export const BATCH_KEY = 'ipycomm_batch';
/** The largest window a reader may ask for (MAX_WINDOW in protocol.py). */
export const MAX_WINDOW = 4096;

/** The content of an `ipycomm_credit` message (CreditContent in protocol.py). */
export interface ICreditContent {
  /** Unique per reader: the kernel connection's clientId. */
  reader: string;
  /** The highest seq received. */
  seq: number;
  /** How many wire messages the reader accepts beyond seq. */
  window: number;
  /** Targets whose kernel-opened comms the reader unpacks batches for. */
  batch_targets: string[];
  /** The reader leaves; the kernel forgets it. */
  closing: boolean;
}

/** One logical comm_msg inside a batch (BatchItem in batch.py). */
export interface IBatchItem {
  data: IJSONObject;
  metadata?: IJSONObject;
  /** How many of the batch message's buffers this item owns, in order; absent means 0. */
  buffers?: number;
}

/** comm_open metadata of a comm whose frontend side unpacks batches. */
export function batchOpenMetadata(): IJSONObject {
  return { [FLOW_KEY]: { batch: true } };
}

/** Either a value or a human-readable reason why there is none. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(error: string): Result<T> {
  return { ok: false, error };
}

/** The data of a view output: which comm to show, and the last state we saw of it. */
export interface IViewData {
  comm_id: string;
  target_name: string;
  /** Saved by the frontend so a reloaded notebook shows the last value before any kernel reply. */
  state?: IJSONObject;
}

/** The slider's state once the kernel has sent `create`. */
export interface ISliderConfig {
  min: number;
  max: number;
  value: number;
}

/** Messages the kernel's SimpleSlider sends. */
export type SliderMessage =
  | { action: 'create'; config: ISliderConfig }
  | { action: 'update_value'; value: number };

export function isObject(value: unknown): value is IJSONObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** metadata.ipycomm of a message, when it is an object. */
export function flowMetadataOf(metadata: unknown): IJSONObject | null {
  const flow = isObject(metadata) ? metadata[FLOW_KEY] : undefined;
  return isObject(flow) ? flow : null;
}

/** The kernel's sequence number of a message (metadata.ipycomm.seq), or null if it has none. */
export function seqOf(metadata: unknown): number | null {
  const seq = flowMetadataOf(metadata)?.seq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Short, bounded rendering of untrusted data for error messages. */
export function preview(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Reads the `action` field every ipycomm message carries. */
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

/** Validates a slider config: three finite numbers with min <= value <= max. */
export function parseSliderConfig(config: unknown): Result<ISliderConfig> {
  if (!isObject(config)) {
    return fail(`"create" needs a "config" object, got ${preview(config)}`);
  }
  for (const key of ['min', 'max', 'value'] as const) {
    if (!isFiniteNumber(config[key])) {
      return fail(
        `config.${key} must be a number, got ${preview(config[key])}`
      );
    }
  }
  const { min, max, value } = config as unknown as ISliderConfig;
  if (min > max) {
    return fail(`config.min (${min}) is greater than config.max (${max})`);
  }
  if (value < min || value > max) {
    return fail(`config.value ${value} is outside [${min}, ${max}]`);
  }
  return ok({ min, max, value });
}

/** Validates one message from the kernel's SimpleSlider. */
export function parseSliderMessage(data: unknown): Result<SliderMessage> {
  const action = parseAction(data);
  if (!action.ok) {
    return action;
  }
  const msg = data as IJSONObject;
  switch (action.value) {
    case 'create': {
      const config = parseSliderConfig(msg.config);
      return config.ok
        ? ok({ action: 'create', config: config.value })
        : config;
    }
    case 'update_value':
      if (!isFiniteNumber(msg.value)) {
        return fail(
          `update_value: "value" must be a number, got ${preview(msg.value)}`
        );
      }
      return ok({ action: 'update_value', value: msg.value });
    default:
      return fail(`Unknown action "${action.value}"`);
  }
}

/**
 * Applies a slider message to the current config (null before `create`).
 *
 * Rejected messages leave the state unchanged, so one bad message never corrupts the slider.
 */
export function reduceSlider(
  state: ISliderConfig | null,
  data: unknown
): Result<ISliderConfig> {
  const msg = parseSliderMessage(data);
  if (!msg.ok) {
    return msg;
  }
  if (msg.value.action === 'create') {
    return ok(msg.value.config);
  }
  if (state === null) {
    return fail('update_value arrived before create');
  }
  const { value } = msg.value;
  if (value < state.min || value > state.max) {
    return fail(
      `update_value ${value} is outside [${state.min}, ${state.max}]`
    );
  }
  return ok({ ...state, value });
}

/** Reads a saved slider state (from a notebook file, so untrusted). */
export function sliderStateOf(
  state: IJSONObject | undefined
): ISliderConfig | null {
  const config = parseSliderConfig(state);
  return config.ok ? config.value : null;
}

/**
 * Applies a my_widget message to its state. my_widget is a free-form message console, so
 * unknown actions are logged rather than rejected; only shapes we would misread are errors.
 */
export function reduceMyWidget(
  state: IJSONObject,
  data: unknown
): Result<IJSONObject> {
  const action = parseAction(data);
  if (!action.ok) {
    return action;
  }
  const msg = data as IJSONObject;
  switch (action.value) {
    case 'state':
      if (!isObject(msg.state)) {
        return fail(`"state" must be an object, got ${preview(msg.state)}`);
      }
      return ok({ ...state, ...msg.state });
    case 'value_updated':
    case 'update':
      if (!('value' in msg)) {
        return fail(`${action.value}: missing "value"`);
      }
      return ok({ ...state, value: msg.value });
    default:
      return ok(state);
  }
}

/** Validates the data of a view output. */
export function parseViewData(data: unknown): Result<IViewData> {
  if (!isObject(data)) {
    return fail(`View data must be an object, got ${preview(data)}`);
  }
  const { comm_id, target_name, state } = data;
  if (typeof comm_id !== 'string' || !comm_id) {
    return fail(`View data has no comm_id: ${preview(data)}`);
  }
  if (typeof target_name !== 'string' || !target_name) {
    return fail(`View data has no target_name: ${preview(data)}`);
  }
  const view: IViewData = { comm_id, target_name };
  if (isObject(state)) {
    view.state = state;
  }
  return ok(view);
}

/** Why the kernel closed a comm, as ipycomm reports it (`{"reason": ...}`), or a default. */
export function closeReason(data: unknown): string {
  if (isObject(data) && typeof data.reason === 'string' && data.reason) {
    return `Closed by the kernel: ${data.reason}`;
  }
  return 'Closed by the kernel';
}

/** Parses the user's JSON text for a message; empty text means "no data". */
export function parseUserJson(text: string): Result<IJSONObject> {
  if (!text.trim()) {
    return ok({});
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail(`Invalid JSON: ${(e as Error).message}`);
  }
  return isObject(value) ? ok(value) : fail('Data must be a JSON object');
}

/** Whether a comm_info_reply lists the comm as alive. */
export function commIsAlive(reply: unknown, commId: string): boolean {
  if (!isObject(reply) || reply.status !== 'ok' || !isObject(reply.comms)) {
    return false;
  }
  return isObject(reply.comms[commId]);
}
