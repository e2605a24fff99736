import {
  CommClosedError,
  isCommClosed,
  PendingRequests,
  RequestError,
  rpcMessage,
  rpcOf
} from '../../comms/rpc';
import { RPC_KEY } from '../../kernel/protocol';

describe('rpcOf', () => {
  it('tells ordinary messages from request/reply ones', () => {
    expect(rpcOf({ action: 'x' })).toBeNull();
    expect(rpcOf(rpcMessage.request('r1', { a: 1 }))).toEqual({
      kind: 'request',
      id: 'r1'
    });
    expect(rpcOf(rpcMessage.error('r2', new TypeError('bad')))).toEqual({
      kind: 'error',
      id: 'r2',
      name: 'TypeError',
      message: 'bad'
    });
  });

  it('says what is wrong with a malformed one', () => {
    expect(rpcOf({ [RPC_KEY]: 'x' })).toMatch(/string id/);
    expect(rpcOf({ [RPC_KEY]: { kind: 'gossip', id: 'a' } })).toMatch(
      /unknown ipycomm_rpc kind "gossip"/
    );
  });
});

describe('PendingRequests', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('settles each request once, by its own id', async () => {
    const pending = new PendingRequests<string>('p');
    const [a, first] = pending.add(1000, 'late');
    const [b, second] = pending.add(1000, 'late');
    expect(a).not.toBe(b);
    pending.resolve(b, 'B');
    pending.resolve(a, 'A');
    pending.resolve(a, 'again');
    await expect(first).resolves.toBe('A');
    await expect(second).resolves.toBe('B');
    expect(pending.size).toBe(0);
  });

  it('rejects with a TimeoutError when no answer comes in time', async () => {
    const pending = new PendingRequests<string>('p');
    const [, reply] = pending.add(500, 'nobody answered');
    jest.advanceTimersByTime(500);
    await expect(reply).rejects.toMatchObject({
      name: 'TimeoutError',
      message: 'nobody answered'
    });
  });

  it('rejects everything waiting when the comm goes away', async () => {
    const pending = new PendingRequests<string>('p');
    const [, reply] = pending.add(500, 'late');
    pending.rejectAll(new RequestError('Error', 'closed'));
    await expect(reply).rejects.toThrow('closed');
    expect(pending.size).toBe(0);
  });
});

describe('isCommClosed', () => {
  it('tells a comm that closed from a real error', () => {
    const closed = new CommClosedError('comm c1 closed: Closed by the kernel');
    expect(closed).toBeInstanceOf(RequestError);
    expect(closed.name).toBe('CommClosedError');
    expect(isCommClosed(closed)).toBe(true);
    expect(isCommClosed(new RequestError('ValueError', 'bad x'))).toBe(false);
    expect(isCommClosed(new Error('comm c1 closed'))).toBe(false);
    expect(isCommClosed('CommClosedError')).toBe(false);
  });

  it('knows a copy a module rethrew by its name', () => {
    const copy = new Error('closed');
    copy.name = 'CommClosedError';
    expect(isCommClosed(copy)).toBe(true);
  });
});
