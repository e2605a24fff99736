import {
  describeEvent,
  filterLog,
  matchesFilter,
  MessageLog
} from '../../inspector/messagelog';
import { ICommEvent } from '../../inspector/traffic';
import { formatBytes } from '../../util/bytes';

function event(overrides: Partial<ICommEvent> = {}): ICommEvent {
  return {
    kind: 'msg',
    direction: 'in',
    commId: 'abcdef0123456789',
    targetName: 'simple_slider',
    bytes: 10,
    bufferSizes: [],
    data: { action: 'update_value', value: 3 },
    msgId: 'm1',
    time: 0,
    ...overrides
  };
}

describe('MessageLog', () => {
  it('keeps only the newest entries beyond its limit', () => {
    const log = new MessageLog(3);
    for (let i = 0; i < 5; i++) {
      log.push(event({ msgId: `m${i}` }));
    }
    expect(log.entries.map(e => e.msgId)).toEqual(['m2', 'm3', 'm4']);
  });

  it('holds 500 entries by default', () => {
    const log = new MessageLog();
    for (let i = 0; i < 600; i++) {
      log.push(event());
    }
    expect(log.entries).toHaveLength(500);
  });

  it('logs nothing while paused, counts what it missed, and resets the count on resume', () => {
    const log = new MessageLog();
    log.setPaused(true);
    expect(log.push(event())).toBe(false);
    log.push(event());
    expect(log.entries).toHaveLength(0);
    expect(log.missed).toBe(2);
    log.setPaused(false);
    expect(log.missed).toBe(0);
    expect(log.push(event())).toBe(true);
    expect(log.entries).toHaveLength(1);
  });

  it('clears its entries', () => {
    const log = new MessageLog();
    log.push(event());
    log.clear();
    expect(log.entries).toEqual([]);
  });
});

describe('filters', () => {
  it('an empty filter matches everything', () => {
    expect(matchesFilter(event(), '  ')).toBe(true);
  });

  it('matches a part of the comm id or the target, ignoring case', () => {
    expect(matchesFilter(event(), 'CDEF01')).toBe(true);
    expect(matchesFilter(event(), 'slider')).toBe(true);
    expect(matchesFilter(event(), 'my_widget')).toBe(false);
  });

  it('filterLog keeps the order of the matching events', () => {
    const events = [
      event({ msgId: 'a', targetName: 'my_widget' }),
      event({ msgId: 'b' }),
      event({ msgId: 'c', targetName: 'my_widget' })
    ];
    expect(filterLog(events, 'my_widget').map(e => e.msgId)).toEqual([
      'a',
      'c'
    ]);
  });
});

describe('describeEvent', () => {
  it('shows binary buffers by size, never their content', () => {
    const text = describeEvent(event({ bufferSizes: [2048, 3] }));
    expect(text).toContain('2 buffer(s): 2.0 kB, 3 B');
  });

  it('bounds long data', () => {
    const text = describeEvent(
      event({ data: { blob: 'x'.repeat(10000) } }),
      50
    );
    expect(text.length).toBeLessThan(200);
  });

  it('formats byte counts', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(2500000)).toBe('2.5 MB');
    expect(formatBytes(1_200_000_000)).toBe('1.2 GB');
  });
});
