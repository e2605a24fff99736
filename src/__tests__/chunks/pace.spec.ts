import {
  MAX_CHUNK_SIZE,
  Pace,
  SHARED_CHUNK_SIZE,
  SHARED_FOR_MS,
  WINDOW
} from '../../chunks/pace';

const MIB = 1024 * 1024;

function paced(start = MIB) {
  const clock = { now: 0, others: 0 };
  const pace = new Pace({
    start,
    adaptive: true,
    others: () => clock.others,
    now: () => clock.now
  });
  return { pace, clock };
}

/** Takes `n` chunks, each acknowledged `ms(size)` after it was sent; their sizes. */
function run(pace: Pace, n: number, ms: (size: number) => number): number[] {
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const size = pace.nextSize();
    sizes.push(size);
    pace.taken(size, ms(size));
  }
  return sizes;
}

describe('Pace', () => {
  it('grows chunks while the rate holds, never past the largest size', () => {
    const { pace } = paced();
    const sizes = run(pace, 12, size => size / 50_000); // 50 MB/s
    expect(sizes.slice(0, 5)).toEqual([1, 2, 4, 8, 8].map(n => n * MIB));
    expect(Math.max(...sizes)).toBe(MAX_CHUNK_SIZE);
  });

  it('halves after two slow chunks in a row, and never goes under the shared size', () => {
    const { pace } = paced();
    run(pace, 4, size => size / 50_000);
    expect(pace.nextSize()).toBe(8 * MIB);
    pace.taken(8 * MIB, (8 * MIB) / 10_000); // one pause: noise
    pace.taken(8 * MIB, (8 * MIB) / 50_000);
    expect(pace.nextSize()).toBe(8 * MIB);
    pace.taken(8 * MIB, (8 * MIB) / 10_000);
    pace.taken(8 * MIB, (8 * MIB) / 10_000); // the round trip rose: bytes queue
    expect(pace.nextSize()).toBe(4 * MIB);
    const sizes = run(pace, 40, () => 1000);
    expect(Math.min(...sizes)).toBe(SHARED_CHUNK_SIZE);
    expect(sizes[sizes.length - 1]).toBe(SHARED_CHUNK_SIZE);
  });

  it('keeps one small chunk in flight while the page sends others, then starts afresh', () => {
    const { pace, clock } = paced();
    run(pace, 3, size => size / 50_000);
    expect(pace.ahead()).toBe(WINDOW);
    clock.others += 1;
    expect([pace.ahead(), pace.nextSize()]).toEqual([1, SHARED_CHUNK_SIZE]);
    clock.now += SHARED_FOR_MS + 1;
    expect([pace.ahead(), pace.nextSize(), pace.nextSize()]).toEqual([
      WINDOW,
      MIB,
      2 * MIB
    ]);
  });

  it('keeps a fixed size and window when not adaptive', () => {
    const pace = new Pace({ start: MIB, adaptive: false, others: () => 1 });
    pace.taken(MIB, 1e6);
    expect([pace.ahead(), pace.nextSize(), pace.nextSize()]).toEqual([
      WINDOW,
      MIB,
      MIB
    ]);
  });
});
