/**
 * @jest-environment jsdom
 */
import { CommModel } from '../../comms/model';
import {
  createView,
  DEFAULT_TARGET,
  reducerFor,
  widgetTargets,
  WIDGETS
} from '../../widgets';
import { MY_WIDGET_TARGET, MyWidgetView } from '../../widgets/mywidget';
import { SLIDER_TARGET, SliderView } from '../../widgets/slider';

function model(targetName: string): CommModel {
  return new CommModel({
    commId: 'c1',
    targetName,
    kernelId: 'k',
    transport: { send: jest.fn(), close: jest.fn() }
  });
}

describe('the widget table', () => {
  it('lists the slider and my_widget, each target once', () => {
    const targets = WIDGETS.map(widget => widget.target);
    expect(new Set(targets).size).toBe(targets.length);
    expect(targets).toEqual(
      expect.arrayContaining([SLIDER_TARGET, MY_WIDGET_TARGET])
    );
    expect(widgetTargets()).toEqual(targets);
  });

  it.each(WIDGETS.map(widget => [widget.target, widget]))(
    'reducerFor and createView pick the entry of %s',
    (target, widget) => {
      expect(reducerFor(target)).toBe(widget.reducer);
      const spy = jest.spyOn(widget, 'createView');
      const m = model(target);
      const view = createView(m);
      expect(spy).toHaveBeenCalledWith(m, { trusted: true });
      expect(view).toBe(spy.mock.results[0].value);
      spy.mockRestore();
      view.dispose();
    }
  );

  it('shows sliders as sliders and my_widget as the console', () => {
    expect(createView(model(SLIDER_TARGET))).toBeInstanceOf(SliderView);
    expect(createView(model(MY_WIDGET_TARGET))).toBeInstanceOf(MyWidgetView);
  });

  it('shows an unknown target in the console and keeps its state', () => {
    expect(createView(model('someone_elses'))).toBeInstanceOf(MyWidgetView);
    const state = { a: 1 };
    expect(reducerFor('someone_elses')(state, { action: 'x' })).toEqual({
      ok: true,
      value: state
    });
    const m = model('someone_elses');
    m.handleMessage({ action: 'x' });
    expect(m.log).toEqual([{ action: 'x' }]);
  });

  it('proposes my_widget in "Open comm to kernel target…"', () => {
    expect(DEFAULT_TARGET).toBe(MY_WIDGET_TARGET);
  });
});
