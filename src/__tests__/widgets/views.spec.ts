/**
 * @jest-environment jsdom
 */
import { Coalescer } from '../../util/coalesce';
import { CommModel } from '../../comms/model';
import { countText, MyWidgetView } from '../../widgets/mywidget';
import { SliderView } from '../../widgets/slider';
import { ManualFrames } from '../fakes';

function model(targetName: string) {
  const transport = { send: jest.fn(), close: jest.fn() };
  const m = new CommModel({
    commId: 'c1',
    targetName,
    kernelId: 'k',
    transport
  });
  return { model: m, transport };
}

function sliderSetup() {
  const { model: m, transport } = model('simple_slider');
  const frames = new ManualFrames();
  const coalescer = new Coalescer<number>(
    value => m.send({ action: 'value_change', value }),
    frames
  );
  const views = [new SliderView(m, coalescer), new SliderView(m, coalescer)];
  const inputs = views.map(
    v => v.node.querySelector('input') as HTMLInputElement
  );
  return { model: m, transport, frames, views, inputs };
}

const create = { action: 'create', config: { min: 0, max: 255, value: 128 } };

function drag(input: HTMLInputElement, value: number, type = 'input') {
  input.value = String(value);
  input.dispatchEvent(new Event(type));
}

describe('SliderView', () => {
  it('is an accessible slider showing min, max and value', () => {
    const { model: m, views, inputs } = sliderSetup();
    m.handleMessage(create);
    expect(inputs[0].getAttribute('role')).toBe('slider');
    expect(inputs[0].getAttribute('aria-valuemin')).toBe('0');
    expect(inputs[0].getAttribute('aria-valuemax')).toBe('255');
    expect(inputs[0].getAttribute('aria-valuenow')).toBe('128');
    expect(
      views[0].node.querySelector('.jp-ipycomm-slider-value')?.textContent
    ).toBe('128');
    expect(inputs[0].disabled).toBe(false);
  });

  it('is disabled until the kernel sends create', () => {
    const { inputs } = sliderSetup();
    expect(inputs[0].disabled).toBe(true);
  });

  it('keeps every view in sync with a drag in one of them', () => {
    const { model: m, inputs } = sliderSetup();
    m.handleMessage(create);
    drag(inputs[0], 200);
    expect(inputs[1].getAttribute('aria-valuenow')).toBe('200');
  });

  it('sends the first value of a drag at once, then the latest once per frame', () => {
    const { model: m, transport, frames, inputs } = sliderSetup();
    m.handleMessage(create);
    [130, 140, 150].forEach(v => drag(inputs[0], v));
    drag(inputs[1], 160);
    const sent = () => transport.send.mock.calls.map(call => call[0]);
    expect(sent()).toEqual([{ action: 'value_change', value: 130 }]);
    frames.frame();
    expect(sent()).toEqual([
      { action: 'value_change', value: 130 },
      { action: 'value_change', value: 160 }
    ]);
  });

  it('follows update_value from the kernel without sending it back', () => {
    const { model: m, transport, frames, inputs } = sliderSetup();
    m.handleMessage(create);
    m.handleMessage({ action: 'update_value', value: 42 });
    frames.frame();
    expect(inputs.map(i => i.getAttribute('aria-valuenow'))).toEqual([
      '42',
      '42'
    ]);
    expect(transport.send).not.toHaveBeenCalled();
  });

  it('shows a bad message as an inline error', () => {
    const { model: m, views } = sliderSetup();
    m.handleMessage({
      action: 'create',
      config: { min: 10, max: 0, value: 5 }
    });
    const error = views[0].node.querySelector(
      '.jp-ipycomm-error'
    ) as HTMLElement;
    expect(error.hidden).toBe(false);
    expect(error.textContent).toMatch(/greater than/);
  });

  it('is disabled with a visible reason after a restart', () => {
    const { model: m, views, inputs } = sliderSetup();
    m.handleMessage(create);
    m.disconnect('The kernel restarted');
    const status = views[0].node.querySelector(
      '.jp-ipycomm-status'
    ) as HTMLElement;
    expect(status.textContent).toBe('Not connected: The kernel restarted');
    expect(inputs[0].disabled).toBe(true);
    expect(views[0].hasClass('jp-ipycomm-mod-disconnected')).toBe(true);
  });

  it('stops following the model once disposed', () => {
    const { model: m, views, inputs } = sliderSetup();
    views[0].dispose();
    m.handleMessage(create);
    expect(inputs[0].getAttribute('aria-valuenow')).toBeNull();
  });
});

describe('MyWidgetView', () => {
  function setup() {
    const { model: m, transport } = model('my_widget');
    const frames = new ManualFrames();
    const view = new MyWidgetView(m, frames);
    const q = <T extends Element>(sel: string) =>
      view.node.querySelector(sel) as unknown as T;
    const text = q<HTMLTextAreaElement>('textarea');
    const [send, close] = Array.from(view.node.querySelectorAll('button'));
    const inputError = q<HTMLElement>('.jp-ipycomm-input-error');
    const count = q<HTMLElement>('.jp-ipycomm-count');
    const entries = () =>
      Array.from(view.node.querySelectorAll('.jp-ipycomm-log-entry')).map(
        li => li.textContent
      );
    return {
      model: m,
      transport,
      view,
      text,
      send,
      close,
      inputError,
      q,
      count,
      entries,
      frames
    };
  }

  it('shows received messages newest last, as text', () => {
    const { model: m, view } = setup();
    m.handleMessage({ action: 'initialized' });
    m.handleMessage({
      action: 'echo',
      original: '<img src=x onerror=alert(1)>'
    });
    const items = Array.from(
      view.node.querySelectorAll('.jp-ipycomm-log-entry')
    );
    expect(items.map(li => li.textContent)).toEqual([
      '{"action":"initialized"}',
      '{"action":"echo","original":"<img src=x onerror=alert(1)>"}'
    ]);
    expect(view.node.querySelector('img')).toBeNull();
  });

  it('says how many messages arrived, beyond the 200 the log keeps', () => {
    const { model: m, count, entries } = setup();
    expect(count.textContent).toBe('0 messages received');
    m.handleMessage({ action: 'first' });
    expect(count.textContent).toBe('1 message received');
    for (let i = 0; i < 249; i++) {
      m.handleMessage({ i });
    }
    expect(count.textContent).toBe('250 messages received, the last 200 shown');
    const shown = entries();
    expect(shown).toHaveLength(200);
    expect(shown[0]).toBe('{"i":49}');
    expect(shown[199]).toBe('{"i":248}');
  });

  it('shows the messages a model received before the view existed', () => {
    const { model: m } = model('my_widget');
    m.handleMessages([{ a: 1 }, { a: 2 }]);
    const view = new MyWidgetView(m, new ManualFrames());
    const items = view.node.querySelectorAll('.jp-ipycomm-log-entry');
    expect(Array.from(items).map(li => li.textContent)).toEqual([
      '{"a":1}',
      '{"a":2}'
    ]);
    expect(view.node.textContent).toContain('2 messages received');
  });

  it('scrolls the log at most once per frame', () => {
    const { model: m, frames } = setup();
    m.handleMessage({ a: 1 });
    m.handleMessage({ a: 2 });
    expect(frames.requested).toBe(1);
    frames.frame();
    m.handleMessage({ a: 3 });
    expect(frames.requested).toBe(1);
  });

  it('sends valid JSON', () => {
    const { transport, text, send, inputError } = setup();
    text.value = '{"action": "set_value", "value": 5}';
    send.click();
    expect(transport.send).toHaveBeenCalledWith(
      { action: 'set_value', value: 5 },
      undefined
    );
    expect(inputError.hidden).toBe(true);
  });

  it('shows invalid JSON inline and sends nothing', () => {
    const { transport, text, send, inputError } = setup();
    text.value = '{"action": ';
    send.click();
    expect(transport.send).not.toHaveBeenCalled();
    expect(inputError.hidden).toBe(false);
    expect(inputError.textContent).toMatch(/Invalid JSON/);
  });

  it('closes the comm and disables its inputs', () => {
    const { model: m, transport, close, send, text } = setup();
    close.click();
    expect(transport.close).toHaveBeenCalled();
    expect(m.connected).toBe(false);
    expect(send.disabled && text.disabled).toBe(true);
  });
});

describe('countText', () => {
  it('says how many arrived, and how many are shown when not all', () => {
    expect(countText(20000, 200)).toBe(
      '20000 messages received, the last 200 shown'
    );
    expect(countText(3, 3)).toBe('3 messages received');
  });
});
