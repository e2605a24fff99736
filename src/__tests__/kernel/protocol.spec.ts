import { closeReason, commIsAlive, parseViewData } from '../../kernel/protocol';
import { errorOf } from '../result';

describe('parseViewData', () => {
  it('reads comm id, target and saved state', () => {
    const data = { comm_id: 'c', target_name: 't', state: { value: 1 } };
    expect(parseViewData(data)).toEqual({ ok: true, value: data });
  });

  it('drops a saved state that is not an object', () => {
    expect(parseViewData({ comm_id: 'c', target_name: 't', state: 5 })).toEqual(
      {
        ok: true,
        value: { comm_id: 'c', target_name: 't' }
      }
    );
  });

  it('rejects data without comm_id', () => {
    expect(errorOf(parseViewData({ target_name: 't' }))).toMatch(/comm_id/);
  });
});

describe('closeReason', () => {
  it('shows the reason ipycomm sends', () => {
    expect(closeReason({ reason: 'unknown target "x"' })).toBe(
      'Closed by the kernel: unknown target "x"'
    );
  });

  it('falls back when there is no reason', () => {
    expect(closeReason({ action: 'cleanup' })).toBe('Closed by the kernel');
    expect(closeReason(undefined)).toBe('Closed by the kernel');
  });
});

describe('commIsAlive', () => {
  it('finds the comm in an ok reply', () => {
    expect(
      commIsAlive({ status: 'ok', comms: { c: { target_name: 't' } } }, 'c')
    ).toBe(true);
  });

  it('is false for a missing comm or an error reply', () => {
    expect(commIsAlive({ status: 'ok', comms: {} }, 'c')).toBe(false);
    expect(commIsAlive({ status: 'error' }, 'c')).toBe(false);
  });
});
