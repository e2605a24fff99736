import { parseSliderMessage, reduceSlider } from '../../widgets/slider';
import { errorOf } from '../result';

const config = { min: 0, max: 255, value: 128 };

describe('parseSliderMessage', () => {
  it('accepts a create with a valid config', () => {
    expect(parseSliderMessage({ action: 'create', config })).toEqual({
      ok: true,
      value: { action: 'create', config }
    });
  });

  it('rejects create without config', () => {
    expect(errorOf(parseSliderMessage({ action: 'create' }))).toMatch(/config/);
  });

  it('rejects a config whose min is greater than max', () => {
    const msg = { action: 'create', config: { min: 10, max: 1, value: 5 } };
    expect(errorOf(parseSliderMessage(msg))).toMatch(
      /min \(10\) is greater than config.max \(1\)/
    );
  });

  it.each([
    ['min', { min: '0', max: 1, value: 0 }],
    ['max', { min: 0, max: null, value: 0 }],
    ['value', { min: 0, max: 1, value: [1] }]
  ])('rejects a non-number config.%s', (key, bad) => {
    expect(
      errorOf(parseSliderMessage({ action: 'create', config: bad }))
    ).toMatch(`config.${key} must be a number`);
  });

  it('rejects a config value outside [min, max]', () => {
    const msg = { action: 'create', config: { min: 0, max: 10, value: 11 } };
    expect(errorOf(parseSliderMessage(msg))).toMatch(/outside \[0, 10\]/);
  });

  it('rejects update_value with a non-number value', () => {
    expect(
      errorOf(parseSliderMessage({ action: 'update_value', value: 'x' }))
    ).toMatch(/must be a number/);
  });

  it('rejects an unknown action by name', () => {
    expect(errorOf(parseSliderMessage({ action: 'explode' }))).toBe(
      'Unknown action "explode"'
    );
  });

  it.each([[null], [[1, 2]], ['text'], [42]])(
    'rejects non-object data %p',
    data => {
      expect(errorOf(parseSliderMessage(data))).toMatch(
        /Expected a JSON object/
      );
    }
  );

  it('rejects a message without action', () => {
    expect(errorOf(parseSliderMessage({ value: 1 }))).toMatch(/no "action"/);
  });
});

describe('reduceSlider', () => {
  it('rejects update_value before create', () => {
    expect(
      errorOf(reduceSlider(null, { action: 'update_value', value: 1 }))
    ).toBe('update_value arrived before create');
  });

  it('applies update_value after create', () => {
    expect(reduceSlider(config, { action: 'update_value', value: 3 })).toEqual({
      ok: true,
      value: { ...config, value: 3 }
    });
  });

  it('rejects update_value outside the range', () => {
    expect(
      errorOf(reduceSlider(config, { action: 'update_value', value: 256 }))
    ).toMatch(/outside \[0, 255\]/);
  });

  it('lets a new create replace the config', () => {
    const next = { min: 1, max: 2, value: 2 };
    expect(reduceSlider(config, { action: 'create', config: next })).toEqual({
      ok: true,
      value: next
    });
  });
});
