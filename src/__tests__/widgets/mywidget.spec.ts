import { reduceMyWidget } from '../../widgets/mywidget';
import { errorOf } from '../result';

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
