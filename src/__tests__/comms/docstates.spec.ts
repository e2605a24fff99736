/**
 * A document's side of view states: saves, and in a collaborative document one writer that
 * shares each change outside the notebook's content.
 */
import { Signal } from '@lumino/signaling';
import {
  AWARENESS_FIELD,
  DocumentStates,
  SETTLE_MS,
  SHARED_MAP,
  writerOf
} from '../../comms/docstates';

/** A page's awareness: its own state, and the states of every page it has heard of. */
class FakeAwareness {
  constructor(
    readonly clientID: number,
    readonly all: Map<number, Record<string, unknown>>
  ) {
    all.set(clientID, { user: { name: `user ${clientID}` } });
  }
  getLocalState() {
    return this.all.get(this.clientID) ?? null;
  }
  setLocalStateField(field: string, value: unknown) {
    this.all.set(this.clientID, { ...this.getLocalState(), [field]: value });
  }
  getStates() {
    return this.all;
  }
}

/** One shared document (a map) seen by pages whose awareness `all` is shared too. */
function sharedDocument() {
  const map = new Map<string, unknown>();
  const sets = jest.fn((key: string, value: unknown) => map.set(key, value));
  const ydoc = {
    getMap: (name: string) => {
      expect(name).toBe(SHARED_MAP);
      return {
        get size() {
          return map.size;
        },
        get: (key: string) => map.get(key),
        set: sets
      };
    }
  };
  const all = new Map<number, Record<string, unknown>>();
  let clock = 0;
  const page = (
    clientID: number,
    since: number,
    collaborative = true,
    // What this page hears of the others' awareness (all of it by default).
    heard = all
  ) => {
    const saveState = new Signal<unknown, string>({});
    const context = {
      saveState,
      model: {
        collaborative,
        sharedModel: { ydoc, awareness: new FakeAwareness(clientID, heard) }
      }
    };
    clock = since;
    return { states: new DocumentStates(context, () => clock), saveState };
  };
  const wait = (ms: number) => (clock += ms);
  return { page, sets, map, all, wait };
}

describe('writerOf', () => {
  it('picks the page marked first, the lowest client id on a tie, and ignores unmarked clients', () => {
    const mark = (since: number) => ({ [AWARENESS_FIELD]: { since } });
    const states = new Map<number, Record<string, unknown>>([
      [5, mark(20)],
      [9, mark(10)],
      [1, { user: {} }],
      [7, mark(10)]
    ]);
    expect(writerOf(states)).toBe(7);
    expect(writerOf(new Map([[1, { user: {} }]]))).toBeUndefined();
  });
});

describe('DocumentStates', () => {
  it('emits saving when a save starts, not when it ends', () => {
    const { page } = sharedDocument();
    const { states, saveState } = page(1, 10);
    const saving = jest.fn();
    states.saving.connect(saving);
    saveState.emit('started');
    saveState.emit('completed');
    expect(saving).toHaveBeenCalledTimes(1);
  });

  it('in a shared notebook only the page there first shares, and only what changed', () => {
    const { page, sets } = sharedDocument();
    const first = page(2, 10).states;
    const later = page(1, 20).states;
    later.share('c1', { value: 5 });
    expect(sets).not.toHaveBeenCalled();
    first.share('c1', { value: 5 });
    first.share('c1', { value: 5 });
    expect(sets).toHaveBeenCalledTimes(1);
    expect(later.stateOf('c1')).toEqual({ value: 5 });
  });

  it('when the writer leaves, the next page takes over', () => {
    const { page, sets, all } = sharedDocument();
    page(2, 10);
    const later = page(1, 20).states;
    all.delete(2);
    later.share('c1', { value: 6 });
    expect(sets).toHaveBeenCalledWith('c1', { value: 6 });
  });

  it('a page that joins without hearing the first one yet does not write until it could have', () => {
    const { page, sets, wait } = sharedDocument();
    const first = page(2, 10).states;
    first.share('c1', { value: 1 });
    // Page 1's awareness reaches a new page only when page 1 renews it.
    const later = page(1, 20, true, new Map()).states;
    later.share('c1', { value: 2 });
    expect(sets).toHaveBeenCalledTimes(1);
    wait(SETTLE_MS);
    later.share('c1', { value: 3 });
    expect(sets).toHaveBeenLastCalledWith('c1', { value: 3 });
  });

  it('a notebook that is not collaborative shares nothing and holds no states', () => {
    const { page, sets } = sharedDocument();
    const { states } = page(1, 10, false);
    states.share('c1', { value: 1 });
    expect(sets).not.toHaveBeenCalled();
    expect(states.stateOf('c1')).toBeUndefined();
  });
});
