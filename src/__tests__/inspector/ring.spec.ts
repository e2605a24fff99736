import { Ring } from '../../inspector/ring';

describe('Ring', () => {
  it('keeps items in order until full, then drops the oldest', () => {
    const ring = new Ring<number>(3);
    expect([1, 2, 3].map(n => ring.push(n))).toEqual([
      undefined,
      undefined,
      undefined
    ]);
    expect(ring.push(4)).toBe(1);
    expect(ring.push(5)).toBe(2);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.size).toBe(3);
  });

  it('wraps around many times and stays bounded', () => {
    const ring = new Ring<number>(500);
    for (let i = 0; i < 10_000; i++) {
      ring.push(i);
    }
    const items = ring.toArray();
    expect(items).toHaveLength(500);
    expect(items[0]).toBe(9500);
    expect(items[499]).toBe(9999);
  });

  it('is empty after clear and fills again from the start', () => {
    const ring = new Ring<string>(2);
    ring.push('a');
    ring.push('b');
    ring.push('c');
    ring.clear();
    expect(ring.toArray()).toEqual([]);
    ring.push('d');
    expect(ring.toArray()).toEqual(['d']);
  });

  it('refuses a capacity below one', () => {
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});
