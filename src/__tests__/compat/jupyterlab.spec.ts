import type { Kernel, KernelMessage } from '@jupyterlab/services';
import {
  FeatureKey,
  IWarnings,
  messagePathOf,
  quietStatusesPossible,
  setMessagePath,
  statusUpdaterOf,
  supportOf,
  targetRegistryOf
} from '../../compat/jupyterlab';
import { watchChunks } from '../../chunks/connection';
import { orderSubshellCloses } from '../../kernel/subshellclose';
import type { CommReader } from '../../kernel/reader';

type Message = KernelMessage.IMessage;

/** A JupyterLab whose connection renamed its status update. */
class RenamedStatus {
  sent: Message[] = [];
  _targetRegistry: Record<string, unknown> = { mine: () => undefined };
  _sendMessage(msg: Message): void {
    this.sent.push(msg);
  }
  async _handleMessage(): Promise<void> {}
}

/** A connection with every private ipycomm uses, as JupyterLab's KernelConnection has. */
class Complete extends RenamedStatus {
  statuses: string[] = [];
  _updateStatus(status: string): void {
    this.statuses.push(status);
  }
}

/** A JupyterLab whose connection has neither send nor handle under the old names. */
class NoMessagePath {
  _targetRegistry = {};
  _updateStatus(): void {}
}

function warnings(): IWarnings & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: line => lines.push(line), warned: new Set() };
}

function asKernel(k: object): Kernel.IKernelConnection {
  return k as unknown as Kernel.IKernelConnection;
}

const ALL: Record<FeatureKey, boolean> = {
  chunks: true,
  subshellCloses: true,
  commStatuses: true,
  unknownTargets: true
};

describe('supportOf', () => {
  it('runs every feature on a connection with every private, without a warning', () => {
    const w = warnings();
    expect(supportOf(new Complete(), w)).toEqual(ALL);
    expect(w.lines).toEqual([]);
  });

  it('turns off only the feature whose private is missing, with one warning naming both', () => {
    const w = warnings();
    expect(supportOf(new RenamedStatus(), w)).toEqual({
      ...ALL,
      commStatuses: false
    });
    expect(w.lines).toEqual([
      'ipycomm: quiet comm statuses is off (KernelConnection._updateStatus is missing in ' +
        'this JupyterLab): every comm request shows the kernel busy and idle, as stock ' +
        'JupyterLab does'
    ]);
  });

  it('warns once per feature however many connections follow', () => {
    const w = warnings();
    supportOf(new NoMessagePath(), w);
    supportOf(new NoMessagePath(), w);
    expect(w.lines).toHaveLength(2);
    expect(w.lines[0]).toMatch(/^ipycomm: chunked messages is off/);
    expect(w.lines[0]).toContain(
      'KernelConnection._sendMessage and KernelConnection._handleMessage are missing'
    );
    expect(w.lines[1]).toMatch(
      /^ipycomm: comm closes before subshell deletes is off/
    );
  });

  it('checks a plain object on its own, not as every plain object', () => {
    const w = warnings();
    expect(supportOf({}, w).chunks).toBe(false);
    const wired = { _sendMessage: () => 0, _handleMessage: async () => 0 };
    expect(supportOf(wired, w).chunks).toBe(true);
  });
});

describe('quietStatusesPossible', () => {
  it("reads JupyterLab's connection class before any connection exists", () => {
    const w = warnings();
    expect(quietStatusesPossible(Complete, w)).toBe(true);
    expect(quietStatusesPossible(RenamedStatus, w)).toBe(false);
    expect(w.lines).toHaveLength(1);
    expect(w.lines[0]).toContain('KernelConnection._updateStatus is missing');
  });
});

describe('the accessors', () => {
  it('give null for a missing private, so the feature takes its fallback', () => {
    const bare = asKernel(new NoMessagePath());
    expect(messagePathOf(bare)).toBeNull();
    expect(statusUpdaterOf(asKernel(new RenamedStatus()))).toBeNull();
    expect(targetRegistryOf(asKernel({}))).toBeNull();
    expect(watchChunks(bare, {} as CommReader)).toBe(false);
    expect(orderSubshellCloses(bare)).toBe(false);
  });

  it('route every message through a new path that calls the old one', async () => {
    const connection = new Complete();
    const kernel = asKernel(connection);
    const old = messagePathOf(kernel)!;
    const seen: string[] = [];
    setMessagePath(kernel, {
      send: (msg, queue) => {
        seen.push(`send ${String(queue)}`);
        old.send(msg, queue);
      },
      handle: msg => {
        seen.push('handle');
        return old.handle(msg);
      }
    });
    const msg = { channel: 'shell' } as Message;
    messagePathOf(kernel)!.send(msg);
    await messagePathOf(kernel)!.handle(msg);
    expect(seen).toEqual(['send true', 'handle']);
    expect(connection.sent).toEqual([msg]);
  });

  it('update the status as the connection itself, and read its targets', () => {
    const connection = new Complete();
    statusUpdaterOf(asKernel(connection))!('busy');
    expect(connection.statuses).toEqual(['busy']);
    expect(Object.keys(targetRegistryOf(asKernel(connection))!)).toEqual([
      'mine'
    ]);
  });
});
