import { jsonSize, SAMPLED_ARRAY } from '../../inspector/jsonsize';

describe('the size of a message’s JSON', () => {
  it('is exact for objects, strings, numbers and short arrays', () => {
    const values: unknown[] = [
      { a: 1, b: 'x"y\n', c: [true, false, null, 1.5, -2e-7], d: { e: {} } },
      'héllo ✓ \u0001',
      [1, undefined, () => 1, 'z'],
      { skipped: undefined, f: () => 1, kept: 0 },
      { nan: NaN, inf: -Infinity },
      [],
      {}
    ];
    for (const value of values) {
      expect(jsonSize(value)).toBe(JSON.stringify(value).length);
    }
  });

  it('is within 2 % for a long array of coordinates, from a sample', () => {
    const x = Array.from({ length: 200000 }, (_, i) => i * 0.5);
    const y = Array.from({ length: 200000 }, (_, i) => Math.sin(i));
    const figure = {
      data: [{ x, y, type: 'scatter' }],
      layout: { title: 't' }
    };
    const exact = JSON.stringify(figure).length;
    expect(Math.abs(jsonSize(figure) - exact) / exact).toBeLessThan(0.02);
    expect(x.length).toBeGreaterThan(SAMPLED_ARRAY);
  });
});
