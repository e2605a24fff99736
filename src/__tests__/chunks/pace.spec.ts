import {
  MAX_CHUNK_SIZE,
  Pace,
  SHARED_CHUNK_SIZE,
  SHARED_FOR_MS,
  WINDOW
} from '../../chunks/pace';

const MIB = 1024 * 1024;

function paced(chunkSize = MIB) {
  const clock = { now: 0, others: 0 };
  const pace = new Pace({
    chunkSize,
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
  it('keeps the largest chunks while the rate holds, and grows back after halving', () => {
    const { pace, clock } = paced();
    expect(run(pace, clock, 4, 50_000)).toEqual(Array(4).fill(MAX_CHUNK_SIZE)); // 50 MB/s
    run(pace, clock, 2, 10_000);
    expect(run(pace, clock, 3, 50_000)).toEqual([4 * MIB, 8 * MIB, 8 * MIB]);
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
    const sizes = [pace.nextSize(), pace.nextSize(), pace.nextSize()];
    for (const size of sizes) {
      clock.now += size / 50_000; // all sent at 0, taken one after another at 50 MB/s
      pace.taken(size, 0);
    }
    expect(pace.nextSize()).toBe(MAX_CHUNK_SIZE);
  });

  it('keeps one small chunk in flight while the page sends others, then starts afresh', () => {
    const { pace, clock } = paced();
    run(pace, clock, 3, 50_000);
    expect(pace.ahead()).toBe(WINDOW);
    clock.others += 1;
    expect([pace.ahead(), pace.nextSize()]).toEqual([1, SHARED_CHUNK_SIZE]);
    clock.now += SHARED_FOR_MS + 1;
    expect([pace.ahead(), pace.nextSize()]).toEqual([WINDOW, MAX_CHUNK_SIZE]);
  });

  it('keeps a fixed size and window when not adaptive', () => {
    const pace = new Pace({ chunkSize: MIB, adaptive: false, others: () => 1 });
    pace.taken(MIB, 1e6);
    expect([pace.ahead(), pace.nextSize(), pace.nextSize()]).toEqual([
      WINDOW,
      MIB,
      MIB
    ]);
  });
});
