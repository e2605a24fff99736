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

/** Sends `n` chunks one at a time, each taken once it went at `rate` bytes/ms; their sizes. */
function run(
  pace: Pace,
  clock: { now: number },
  n: number,
  rate: number
): number[] {
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const size = pace.nextSize();
    const sent = clock.now;
    clock.now += size / rate;
    pace.taken(size, sent);
    sizes.push(size);
  }
  return sizes;
}

describe('Pace', () => {
  it('grows chunks while the rate holds, never past the largest size', () => {
    const { pace, clock } = paced();
    const sizes = run(pace, clock, 12, 50_000); // 50 MB/s
    expect(sizes.slice(0, 5)).toEqual([1, 2, 4, 8, 8].map(n => n * MIB));
    expect(Math.max(...sizes)).toBe(MAX_CHUNK_SIZE);
  });

  it('halves after two slow chunks in a row, and never goes under the shared size', () => {
    const { pace, clock } = paced();
    run(pace, clock, 4, 50_000);
    expect(run(pace, clock, 1, 10_000)).toEqual([8 * MIB]); // one pause: noise
    expect(run(pace, clock, 1, 50_000)).toEqual([8 * MIB]);
    run(pace, clock, 2, 10_000); // the round trip rose for two chunks: bytes queue
    expect(run(pace, clock, 1, 10_000)).toEqual([4 * MIB]);
    const sizes = run(pace, clock, 60, 1_000);
    expect(Math.min(...sizes)).toBe(SHARED_CHUNK_SIZE);
  });

  it('counts only the time after the chunk ahead was taken (pipelining is no slower link)', () => {
    const { pace, clock } = paced();
    const [first, second] = [pace.nextSize(), pace.nextSize()];
    clock.now += first / 50_000;
    pace.taken(first, 0);
    clock.now += second / 50_000;
    pace.taken(second, 0);
    expect(pace.nextSize()).toBe(4 * MIB);
  });

  it('keeps one small chunk in flight while the page sends others, then starts afresh', () => {
    const { pace, clock } = paced();
    run(pace, clock, 3, 50_000);
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
