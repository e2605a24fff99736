import { parseUserJson } from '../../util/json';
import { errorOf } from '../result';

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
