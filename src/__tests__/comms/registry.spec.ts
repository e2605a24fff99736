import { CommModel } from '../../comms/model';
import { CommRegistry } from '../../comms/registry';

function model(commId: string, kernelId: string): CommModel {
  return new CommModel({
    commId,
    targetName: 'simple_slider',
    kernelId,
    transport: { send: jest.fn(), close: jest.fn() }
  });
}

describe('CommRegistry', () => {
  it('finds a model by comm id whatever its kernel', () => {
    const registry = new CommRegistry<CommModel>();
    const a = model('a', 'k1');
    const b = model('b', 'k2');
    registry.add(a);
    registry.add(b);
    expect(registry.get('a')).toBe(a);
    expect(registry.get('b')).toBe(b);
    expect(registry.get('missing')).toBeUndefined();
  });

  it('keeps the first model registered for a comm id', () => {
    const registry = new CommRegistry<CommModel>();
    const first = model('a', 'k1');
    expect(registry.add(first)).toBe(first);
    expect(registry.add(model('a', 'k1'))).toBe(first);
    expect(registry.get('a')).toBe(first);
  });

  it('marks only the restarted kernel’s models disconnected', () => {
    const registry = new CommRegistry<CommModel>();
    const a = model('a', 'k1');
    const b = model('b', 'k1');
    const other = model('c', 'k2');
    [a, b, other].forEach(m => registry.add(m));
    registry.disconnectKernel('k1', 'The kernel restarted');
    expect([a.connected, b.connected, other.connected]).toEqual([
      false,
      false,
      true
    ]);
    expect(a.reason).toBe('The kernel restarted');
  });

  it('keeps disconnected models so their views still find them', () => {
    const registry = new CommRegistry<CommModel>();
    const a = model('a', 'k1');
    registry.add(a);
    registry.disconnectKernel('k1', 'The kernel restarted');
    expect(registry.get('a')).toBe(a);
    expect(registry.forKernel('k1')).toEqual([a]);
  });

  it('disconnects the models fed by a closed connection only', () => {
    const registry = new CommRegistry<CommModel>();
    const connectionA = {};
    const connectionB = {};
    const a = model('a', 'k1');
    const b = model('b', 'k1');
    registry.add(a, connectionA);
    registry.add(b, connectionB);
    registry.disconnectOwner(connectionA, 'closed');
    expect([a.connected, b.connected]).toEqual([false, true]);
  });

  it('forgets a deleted model', () => {
    const registry = new CommRegistry<CommModel>();
    registry.add(model('a', 'k1'));
    registry.delete('a');
    expect(registry.get('a')).toBeUndefined();
  });
});
