/**
 * The simple_slider widget: the messages the kernel's SimpleSlider sends, their reducer, and
 * the view, a native range input (role slider, so arrow keys, Home and End work and screen
 * readers announce it) with its value next to it. The kernel side is the SimpleSlider of
 * examples/03_simple_slider.ipynb.
 */
import { Coalescer, IScheduler } from '../util/coalesce';
import { fail, IJSONObject, isObject, ok, preview, Result } from '../util/json';
import {
  FOREIGN,
  IMessageOrigin,
  IWidgetDefinition,
  IWidgetModel,
  parseAction,
  Reducer
} from './api';
import { CommView, el } from './view';

/** The comm target of the kernel's SimpleSlider. */
export const SLIDER_TARGET = 'simple_slider';

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

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Validates a slider config: three finite numbers with min <= value <= max. */
function parseSliderConfig(config: unknown): Result<ISliderConfig> {
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
 *
 * The kernel relays each `value_change` to every page as an `update_value` parented to it
 * (python/ipycomm/relay.py). In the page that sent it, the relay of an older value than its
 * newest would move the slider back under the user's hand, so it is ignored; the relay of
 * its newest is applied, so when two pages move the slider at once each ends on the value
 * the kernel took last.
 */
export function reduceSlider(
  state: ISliderConfig | null,
  data: unknown,
  origin: IMessageOrigin = FOREIGN
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
  if (origin.own && !origin.latest) {
    return ok(state);
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
 * One coalescer per model, not per view: two views dragged in turn still share one
 * "latest value wins" queue, so the kernel never sees an older value after a newer one.
 */
const coalescers = new WeakMap<IWidgetModel, Coalescer<number>>();

/** The view that last pushed a value into a model's coalescer: kernel output goes under it. */
const senders = new WeakMap<IWidgetModel, object>();

export function coalescerFor(
  model: IWidgetModel,
  scheduler?: IScheduler
): Coalescer<number> {
  let coalescer = coalescers.get(model);
  if (!coalescer) {
    coalescer = new Coalescer<number>(
      value =>
        model.send(
          { action: 'value_change', value },
          senders.get(model) ?? null
        ),
      scheduler
    );
    coalescers.set(model, coalescer);
  }
  return coalescer;
}

/** Integer ranges step by 1; others by a hundredth of the range so the keyboard stays usable. */
function stepFor(min: number, max: number, value: number): string {
  const integral = [min, max, value].every(Number.isInteger);
  return integral ? '1' : String((max - min) / 100 || 'any');
}

export class SliderView extends CommView {
  constructor(
    model: IWidgetModel,
    coalescer: Coalescer<number> = coalescerFor(model)
  ) {
    super(model);
    this.addClass('jp-ipycomm-slider');
    this._coalescer = coalescer;
    this.init();
  }

  protected build(): void {
    const input = el('input', 'jp-ipycomm-slider-input');
    input.type = 'range';
    input.setAttribute('role', 'slider');
    input.setAttribute('aria-label', this.model.targetName);
    // A range input is not ":read-write", so the notebook would treat arrow keys as its own
    // command-mode shortcuts (e.g. ArrowRight expands headings) and the slider would never see
    // them; this attribute makes Lumino leave keys aimed at the slider alone.
    input.setAttribute('data-lm-suppress-shortcuts', 'true');
    const onUser = () => this._onUserValue(Number(input.value));
    input.addEventListener('input', onUser);
    input.addEventListener('change', onUser);
    this._readout = el('output', 'jp-ipycomm-slider-value');
    this._input = input;
    this.body.append(input, this._readout);
  }

  protected render(): void {
    const config = sliderStateOf(this.model.state);
    const input = this._input;
    input.disabled = !config || !this.model.connected;
    if (!config) {
      this._readout.textContent = this.model.connected
        ? 'waiting for the kernel…'
        : '–';
      return;
    }
    const { min, max, value } = config;
    input.min = String(min);
    input.max = String(max);
    input.step = stepFor(min, max, value);
    // Assigning value while the user drags would fight the pointer, so only write changes.
    if (Number(input.value) !== value) {
      input.value = String(value);
    }
    input.setAttribute('aria-valuemin', String(min));
    input.setAttribute('aria-valuemax', String(max));
    input.setAttribute('aria-valuenow', String(value));
    this._readout.textContent = String(value);
  }

  private _onUserValue(value: number): void {
    const config = sliderStateOf(this.model.state);
    if (!config || !this.model.connected || value === config.value) {
      return;
    }
    // Update the model first so every other view follows at once; the kernel hears at the
    // next frame.
    this.model.setState({ value });
    senders.set(this.model, this);
    this._coalescer.push(value);
  }

  private _coalescer: Coalescer<number>;
  private _input!: HTMLInputElement;
  private _readout!: HTMLOutputElement;
}

/** reduceSlider on the model's state, which holds the slider config once `create` came. */
const sliderReducer: Reducer = (state, data, origin) =>
  reduceSlider(sliderStateOf(state), data, origin) as Result<IJSONObject>;

/** The slider's entry in the widget table (index.ts). */
export const sliderWidget: IWidgetDefinition = {
  target: SLIDER_TARGET,
  reducer: sliderReducer,
  createView: model => new SliderView(model)
};
