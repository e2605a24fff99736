import { RateMeter } from '../../inspector/rates';
import {
  formatDuration,
  formatOpened,
  formatRate,
  formatTraffic
} from '../../inspector/format';
import { sparkPoints } from '../../inspector/sparkline';

const T = 1_700_000_000_000; // a whole second

describe('RateMeter', () => {
  it('averages the whole seconds before the current one', () => {
    const meter = new RateMeter();
    for (let s = 0; s < 5; s++) {
      for (let i = 0; i < 10; i++) {
        meter.add(T + s * 1000 + i, 100);
      }
    }
    meter.add(T + 5000, 100); // the current second: not counted yet
    expect(meter.rate(T + 5500)).toEqual({ msgs: 10, bytes: 1000 });
  });

  it('gives one count per second for the sparkline, zeros for quiet seconds', () => {
    const meter = new RateMeter();
    meter.add(T, 1);
    meter.add(T + 2000, 1);
    meter.add(T + 2100, 1);
    expect(meter.series(T + 2500, 4)).toEqual([0, 1, 0, 2]);
  });

  it('forgets what is older than its span', () => {
    const meter = new RateMeter(10);
    meter.add(T, 1);
    meter.add(T + 60_000, 1);
    expect(meter.series(T + 60_000, 120).reduce((a, b) => a + b)).toBe(1);
  });
});

describe('formatting', () => {
  it('formats rates', () => {
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(0.4)).toBe('0.4/s');
    expect(formatRate(12.4)).toBe('12/s');
    expect(formatRate(1234)).toBe('1.2k/s');
    expect(formatTraffic({ msgs: 2, bytes: 2500 })).toBe('2/s · 2.5 kB/s');
    expect(formatTraffic({ msgs: 0, bytes: 0 })).toBe('0/s');
  });

  it('formats durations', () => {
    expect(formatDuration(5_400)).toBe('5 s');
    expect(formatDuration(3 * 60_000 + 5)).toBe('3 min');
    expect(formatDuration(125 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(120 * 60_000)).toBe('2 h');
    expect(formatDuration(3 * 86_400_000)).toBe('3 d');
    expect(formatDuration(-5)).toBe('0 s');
  });

  it('says since when a comm is open, or that nobody recorded it', () => {
    const clock = (ms: number) => `@${ms}`;
    expect(formatOpened(1000, 61_000, clock)).toBe('@1000, 1 min');
    expect(formatOpened(null, 0, clock)).toBe('open before ipycomm');
  });
});

describe('sparkPoints', () => {
  it('spreads the series over the width, the highest value at the top', () => {
    expect(sparkPoints([0, 5, 10], 20, 12)).toBe('0.0,11.0 10.0,6.0 20.0,1.0');
  });

  it('draws a flat line for silence and nothing for no data', () => {
    expect(sparkPoints([0, 0], 10, 10)).toBe('0.0,9.0 10.0,9.0');
    expect(sparkPoints([], 10, 10)).toBe('');
  });
});
