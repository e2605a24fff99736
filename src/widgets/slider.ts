/**
 * The simple_slider view: a native range input (role slider, so arrow keys, Home and End work
 * and screen readers announce it) with its value next to it.
 */
import { Coalescer, IScheduler } from '../util/coalesce';
import { CommModel } from '../comms/model';
import { sliderStateOf } from '../kernel/protocol';
import { CommView, el } from './view';

/**
 * One coalescer per model, not per view: two views dragged in turn still share one
 * "latest value wins" queue, so the kernel never sees an older value after a newer one.
 */
const coalescers = new WeakMap<CommModel, Coalescer<number>>();

/** The view that last pushed a value into a model's coalescer: kernel output goes under it. */
const senders = new WeakMap<CommModel, object>();

export function coalescerFor(
  model: CommModel,
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
    model: CommModel,
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
