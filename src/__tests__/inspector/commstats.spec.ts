import { CommStats } from '../../inspector/commstats';
import { commEventOf } from '../../inspector/traffic';

function msg(type: string, content: object, msgId = 'm', parent = '') {
  return {
    header: { msg_type: type, msg_id: msgId },
    parent_header: parent ? { msg_id: parent } : {},
    content
  };
}

describe('commEventOf', () => {
  it('ignores messages that are not comm messages', () => {
    expect(
      commEventOf(msg('status', { execution_state: 'idle' }), 'in')
    ).toBeNull();
    expect(commEventOf(msg('comm_msg', { data: {} }), 'in')).toBeNull();
  });

  it('keeps the data of a small message, and only the size of a large one', () => {
    const small = commEventOf(
      msg('comm_msg', { comm_id: 'c', data: { value: 1 } }),
      'in'
    );
    expect(small?.data).toEqual({ value: 1 });
    const big = commEventOf(
      msg('comm_msg', { comm_id: 'c', data: { text: 'x'.repeat(70000) } }),
      'in'
    );
    expect(big?.bytes).toBeGreaterThan(70000);
    expect(big?.data).toMatch(/^\(\d+ bytes of JSON, not kept by the log\)$/);
  });

  it('counts binary buffers by size and keeps none of their content', () => {
    const event = commEventOf(
      {
        ...msg('comm_msg', { comm_id: 'c', data: {} }),
        buffers: [new ArrayBuffer(100), new Uint8Array(5)]
      },
      'out'
    );
    expect(event?.bufferSizes).toEqual([100, 5]);
    expect(event?.bytes).toBeGreaterThan(105);
    expect(JSON.stringify(event)).not.toContain('ArrayBuffer');
  });
});

describe('CommStats', () => {
  it('records who opened a comm, and counts messages and bytes each way', () => {
    const stats = new CommStats();
    stats.observe(
      msg('comm_open', { comm_id: 'c', target_name: 't', data: {} }, 'o'),
      'in',
      5
    );
    const out = stats.observe(
      msg('comm_msg', { comm_id: 'c', data: { a: 1 } }, 'x'),
      'out'
    );
    stats.observe(msg('comm_msg', { comm_id: 'c', data: {} }, 'y'), 'in');
    expect(out?.targetName).toBe('t');
    const c = stats.get('c')!;
    expect(c).toMatchObject({
      openedBy: 'kernel',
      openedAt: 5,
      msgsIn: 2,
      msgsOut: 1
    });
    expect(c.bytesOut).toBeGreaterThan(0);
  });

  it('a frontend-opened comm says so, and a closed comm leaves the list', () => {
    const stats = new CommStats();
    stats.observe(
      msg('comm_open', { comm_id: 'c', target_name: 't', data: {} }),
      'out'
    );
    expect(stats.get('c')?.openedBy).toBe('frontend');
    const close = stats.observe(
      msg('comm_close', { comm_id: 'c', data: {} }),
      'in'
    );
    expect(close?.targetName).toBe('t');
    expect(stats.comms).toEqual([]);
  });

  it('seeds comms that were open before it watched, without duplicating known ones', () => {
    const stats = new CommStats();
    stats.observe(
      msg('comm_open', { comm_id: 'a', target_name: 't', data: {} }),
      'in'
    );
    stats.seed({ a: { target_name: 't' }, b: { target_name: 'u' }, bad: null });
    expect(stats.comms.map(c => [c.commId, c.targetName, c.openedBy])).toEqual([
      ['a', 't', 'kernel'],
      ['b', 'u', 'unknown'],
      ['bad', '', 'unknown']
    ]);
  });

  it('attributes kernel output to the comm whose message caused it', () => {
    const stats = new CommStats();
    stats.observe(
      msg('comm_open', { comm_id: 'c', target_name: 't', data: {} }, 'o'),
      'in'
    );
    stats.observe(msg('comm_msg', { comm_id: 'c', data: {} }, 'sent'), 'out');
    const output = stats.observe(
      msg('stream', { name: 'stdout', text: 'hi\n' }, 's', 'sent'),
      'in'
    );
    expect(output).toMatchObject({
      kind: 'output',
      commId: 'c',
      targetName: 't',
      data: 'hi\n'
    });
    expect(
      stats.observe(
        msg('stream', { name: 'stdout', text: 'x' }, 's2', 'other'),
        'in'
      )
    ).toBeNull();
  });

  it('forgets every comm on reset (kernel restart)', () => {
    const stats = new CommStats();
    stats.seed({ a: {} });
    stats.reset();
    expect(stats.comms).toEqual([]);
  });
});
