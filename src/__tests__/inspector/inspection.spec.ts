import { CommStats } from '../../inspector/commstats';
import {
  describeOutbox,
  describeScope,
  describeReader,
  parseFlowState,
  windowUsed
} from '../../inspector/flowstate';
import { parseInspection } from '../../inspector/inspection';
import { TrafficRecorder } from '../../inspector/recorder';
import { logFile } from '../../inspector/savelog';

const T0 = 1_700_000_000_000;

const REPLY = {
  status: 'ok',
  now: 1000.5,
  comms: {
    a: { target_name: 'simple_slider', opened_at: 990, opened_by: 'kernel' },
    b: { target_name: 'old', opened_at: null, opened_by: null },
    bad: 'x'
  },
  flow: {
    seq: 120,
    limit: 356,
    queued: 3,
    queued_bytes: 2048,
    max_queued: 10000,
    private: true,
    readers: [
      {
        reader: 'page-1-client',
        state: 'gating',
        acked: 100,
        window: 256,
        chunks: true,
        batch_targets: 2
      },
      { nope: 1 }
    ]
  }
};

describe('parseInspection', () => {
  it('reads open times in ms, openers, and the credit state', () => {
    const inspection = parseInspection(REPLY)!;
    expect(inspection.now).toBe(1_000_500);
    expect(inspection.comms.get('a')).toEqual({
      targetName: 'simple_slider',
      openedAt: 990_000,
      openedBy: 'kernel'
    });
    expect(inspection.comms.get('b')?.openedAt).toBeNull();
    expect(inspection.comms.get('b')?.openedBy).toBe('unknown');
    expect(inspection.comms.has('bad')).toBe(false);
    expect(inspection.flow?.readers).toHaveLength(1);
    expect(inspection.flow?.queuedBytes).toBe(2048);
  });

  it('gives null for an error or anything else', () => {
    expect(parseInspection({ status: 'error' })).toBeNull();
    expect(parseInspection('x')).toBeNull();
    expect(parseInspection({ status: 'ok', comms: {} })?.flow).toBeNull();
  });
});

describe('the credit state in words', () => {
  const flow = parseFlowState(REPLY.flow)!;

  it('says what waits in the outbox and how far the kernel may send', () => {
    expect(describeOutbox(flow)).toBe(
      'Outbox: 3 waiting (2.0 kB), send blocks at 10000 · sent 120 · may send up to 356'
    );
    expect(describeOutbox({ ...flow, queued: 0, limit: null })).toBe(
      'Outbox: nothing waiting · sent 120 · no reader sets the pace'
    );
    expect(describeScope({ ...flow, private: false })).toContain(
      'plain client'
    );
  });

  it('names this page and says how much of each window is in use', () => {
    const [reader] = flow.readers;
    expect(describeReader(reader, flow, 'page-1-client')).toBe(
      'this page: gating, credited to 100, window 256 (20 in use)'
    );
    expect(describeReader(reader, flow, 'other')).toContain('reader page-1-c…');
    expect(windowUsed(reader, { ...flow, seq: 10_000 })).toBe(256);
  });
});

describe('CommStats.applyKernel', () => {
  it("takes the kernel's open time and opener, and adds comms it had not seen", () => {
    const stats = new CommStats();
    stats.seed({ a: { target_name: 'simple_slider' } });
    stats.applyKernel(parseInspection(REPLY)!.comms);
    expect(stats.get('a')).toMatchObject({
      openedAt: 990_000,
      openedBy: 'kernel'
    });
    expect(stats.get('b')).toMatchObject({
      targetName: 'old',
      openedAt: null,
      openedBy: 'unknown'
    });
  });
});

function msg(type: string, content: object, msgId: string) {
  return { header: { msg_type: type, msg_id: msgId }, content };
}

describe('TrafficRecorder', () => {
  it('logs and counts comm traffic, and keeps the log when the kernel goes', () => {
    const recorder = new TrafficRecorder(5);
    let changes = 0;
    recorder.changed.connect(() => (changes += 1));
    recorder.observe(
      msg('comm_open', { comm_id: 'c', target_name: 't', data: {} }, 'o'),
      'in',
      T0
    );
    recorder.observe(msg('status', { execution_state: 'idle' }, 's'), 'in');
    recorder.observe(
      msg('comm_msg', { comm_id: 'c', data: { v: 1 } }, 'm'),
      'out',
      T0 + 10
    );
    expect(recorder.log.entries.map(e => e.kind)).toEqual(['open', 'msg']);
    expect(recorder.stats.get('c')).toMatchObject({
      openedAt: T0,
      msgsIn: 1,
      msgsOut: 1
    });
    expect(changes).toBe(2);
    recorder.kernelGone();
    expect(recorder.stats.comms).toEqual([]);
    expect(recorder.log.entries).toHaveLength(2);
    expect(recorder.since).toBe(5);
  });
});

describe('logFile', () => {
  it('names the file after the kernel and time, and keeps buffers by size only', () => {
    const recorder = new TrafficRecorder();
    recorder.observe(
      {
        ...msg('comm_msg', { comm_id: 'c', data: { v: 1 } }, 'm'),
        buffers: [new ArrayBuffer(8)]
      },
      'in',
      T0
    );
    const file = logFile(
      recorder.log.entries,
      { kernelId: 'abcdef0123', kernelName: 'python3', since: T0 - 1000 },
      T0 + 1
    );
    expect(file.name).toBe(
      'ipycomm-log-abcdef01-2023-11-14T22-13-20-001Z.json'
    );
    const body = JSON.parse(file.text);
    expect(body.kernel).toEqual({ id: 'abcdef0123', name: 'python3' });
    expect(body.events[0]).toMatchObject({
      direction: 'in',
      kind: 'msg',
      commId: 'c',
      bufferSizes: [8],
      data: { v: 1 }
    });
    expect(file.text).not.toContain('ArrayBuffer');
  });
});
