import {
  closeReason,
  commIsAlive,
  parseSliderMessage,
  parseUserJson,
  parseViewData,
  reduceMyWidget,
  reduceSlider
} from '../../kernel/protocol';

const config = { min: 0, max: 255, value: 128 };

function errorOf(result: { ok: boolean; error?: string }): string {
  expect(result.ok).toBe(false);
  return result.error ?? '';
}

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

describe('reduceMyWidget', () => {
  it('merges a state reply into the state', () => {
    const state = { action: 'state', state: { value: 100, enabled: true } };
    expect(reduceMyWidget({ a: 1 }, state)).toEqual({
      ok: true,
      value: { a: 1, value: 100, enabled: true }
    });
  });

  it('records value_updated', () => {
    expect(reduceMyWidget({}, { action: 'value_updated', value: 7 })).toEqual({
      ok: true,
      value: { value: 7 }
    });
  });

  it('accepts unknown actions without changing the state', () => {
    expect(reduceMyWidget({ a: 1 }, { action: 'echo', original: {} })).toEqual({
      ok: true,
      value: { a: 1 }
    });
  });

  it('rejects a state reply whose state is not an object', () => {
    expect(errorOf(reduceMyWidget({}, { action: 'state', state: 3 }))).toMatch(
      /must be an object/
    );
  });
});

describe('parseViewData', () => {
  it('reads comm id, target and saved state', () => {
    const data = { comm_id: 'c', target_name: 't', state: { value: 1 } };
    expect(parseViewData(data)).toEqual({ ok: true, value: data });
  });

  it('drops a saved state that is not an object', () => {
    expect(parseViewData({ comm_id: 'c', target_name: 't', state: 5 })).toEqual(
      {
        ok: true,
        value: { comm_id: 'c', target_name: 't' }
      }
    );
  });

  it('rejects data without comm_id', () => {
    expect(errorOf(parseViewData({ target_name: 't' }))).toMatch(/comm_id/);
  });
});

describe('closeReason', () => {
  it('shows the reason ipycomm sends', () => {
    expect(closeReason({ reason: 'unknown target "x"' })).toBe(
      'Closed by the kernel: unknown target "x"'
    );
  });

  it('falls back when there is no reason', () => {
    expect(closeReason({ action: 'cleanup' })).toBe('Closed by the kernel');
    expect(closeReason(undefined)).toBe('Closed by the kernel');
  });
});

describe('parseUserJson', () => {
  it('treats empty text as no data', () => {
    expect(parseUserJson('  ')).toEqual({ ok: true, value: {} });
  });

  it('reports invalid JSON', () => {
    expect(errorOf(parseUserJson('{action:'))).toMatch(/^Invalid JSON/);
  });

  it('rejects JSON that is not an object', () => {
    expect(errorOf(parseUserJson('[1]'))).toBe('Data must be a JSON object');
  });
});

describe('commIsAlive', () => {
  it('finds the comm in an ok reply', () => {
    expect(
      commIsAlive({ status: 'ok', comms: { c: { target_name: 't' } } }, 'c')
    ).toBe(true);
  });

  it('is false for a missing comm or an error reply', () => {
    expect(commIsAlive({ status: 'ok', comms: {} }, 'c')).toBe(false);
    expect(commIsAlive({ status: 'error' }, 'c')).toBe(false);
  });
});
