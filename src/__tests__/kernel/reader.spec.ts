import type { KernelMessage } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import { CommReader, watchCredits } from '../../kernel/reader';
import { ICreditContent } from '../../kernel/protocol';
import { FakeKernel } from '../fakes';

const TARGETS = ['simple_slider', 'my_widget'];

function reader(send = jest.fn(), warn = jest.fn()) {
  const r = new CommReader({
    reader: 'client-1',
    batchTargets: TARGETS,
    send,
    warn
  });
  return { reader: r, send, warn };
}

/** The seqs of the credits sent, and whether each was closing. */
function credits(send: jest.Mock): Array<[number, boolean]> {
  return send.mock.calls.map(([c]: [ICreditContent]) => [c.seq, c.closing]);
}

function feed(r: CommReader, from: number, to: number): void {
  for (let seq = from; seq <= to; seq++) {
    r.receive(seq);
  }
}

/** An iopub message as the kernel connection emits it on iopubMessage. */
function iopub(metadata: unknown, msgType = 'comm_msg') {
  return {
    header: { msg_type: msgType, msg_id: 'm' },
    parent_header: {},
    channel: 'iopub',
    metadata,
    content: {}
  } as unknown as KernelMessage.IIOPubMessage;
}

describe('CommReader', () => {
  it('registers with its first seq, window and batch targets', () => {
    const { reader: r, send } = reader();
    r.receive(17);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith({
      reader: 'client-1',
      seq: 17,
      window: 256,
      chunks: false,
      batch_targets: TARGETS,
      closing: false
    });
  });

  it('credits again every window / 4 messages', () => {
    const { reader: r, send } = reader();
    feed(r, 1, 200);
    expect(credits(send)).toEqual([
      [1, false],
      [65, false],
      [129, false],
      [193, false]
    ]);
  });

  it('follows seq, so a gap cannot leave the kernel waiting for credit', () => {
    const { reader: r, send } = reader();
    r.receive(1);
    r.receive(100);
    expect(credits(send)).toEqual([
      [1, false],
      [100, false]
    ]);
  });

  it('starts over and registers again when seq goes down (a new kernel process)', () => {
    const { reader: r, send } = reader();
    feed(r, 1, 70);
    r.receive(1);
    r.receive(2);
    expect(credits(send)).toEqual([
      [1, false],
      [65, false],
      [1, false]
    ]);
    expect(r.seq).toBe(2);
    feed(r, 3, 65);
    expect(credits(send).slice(-1)).toEqual([[65, false]]);
  });

  it('does not count a restart as lost messages', () => {
    const { reader: r, warn } = reader();
    feed(r, 1, 10);
    r.receive(1);
    expect(warn).not.toHaveBeenCalled();
    expect(r.lost).toBe(0);
  });

  it('sends a closing credit with the last seq on close, once', () => {
    const { reader: r, send } = reader();
    feed(r, 1, 10);
    r.close();
    r.close();
    r.receive(11);
    expect(credits(send)).toEqual([
      [1, false],
      [10, true]
    ]);
    expect(r.isClosed).toBe(true);
  });

  it('sends nothing on close if it never registered', () => {
    const { reader: r, send } = reader();
    r.close();
    expect(send).not.toHaveBeenCalled();
  });

  it('warns once per gap with the number of messages lost', () => {
    const { reader: r, warn } = reader();
    feed(r, 1, 5);
    r.receive(9);
    r.receive(10);
    r.receive(12);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0][0]).toMatch(/3 message\(s\) .* lost/);
    expect(warn.mock.calls[1][0]).toMatch(
      /1 message\(s\) .* lost.*4 lost in all/
    );
    expect(r.lost).toBe(4);
  });

  it('does not count the messages before the first one it saw as lost', () => {
    const { reader: r, warn } = reader();
    r.receive(500);
    r.receive(501);
    expect(warn).not.toHaveBeenCalled();
  });

  it('never throws when sending fails, and retries with the next message', () => {
    const send = jest.fn((_: ICreditContent): void => {
      throw new Error('Kernel is dead');
    });
    const { reader: r, warn } = reader(send);
    expect(() => r.receive(1)).not.toThrow();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/Kernel is dead/));
    send.mockImplementation(() => undefined);
    r.receive(2);
    expect(send).toHaveBeenLastCalledWith(
      expect.objectContaining({ seq: 2, closing: false })
    );
    expect(() => r.close()).not.toThrow();
  });

  it('never throws when warning fails', () => {
    const warn = jest.fn(() => {
      throw new Error('console is gone');
    });
    const { reader: r } = reader(jest.fn(), warn);
    r.receive(1);
    expect(() => r.receive(5)).not.toThrow();
  });
});

describe('watchCredits', () => {
  it('sends an ipycomm_credit control message from the connection’s clientId', () => {
    const kernel = new FakeKernel();
    watchCredits(kernel, TARGETS);
    kernel.iopubMessage.emit(iopub({ ipycomm: { seq: 1 } }));
    expect(kernel.sendControlMessage).toHaveBeenCalledTimes(1);
    const [msg, expectReply, disposeOnDone] =
      kernel.sendControlMessage.mock.calls[0];
    expect(msg).toMatchObject({
      channel: 'control',
      header: { msg_type: 'ipycomm_credit', session: kernel.clientId },
      content: {
        reader: kernel.clientId,
        seq: 1,
        window: 256,
        batch_targets: TARGETS,
        closing: false
      }
    });
    expect([expectReply, disposeOnDone]).toEqual([false, true]);
    // No reply comes: the future is not kept around.
    expect(
      kernel.sendControlMessage.mock.results[0].value.dispose
    ).toHaveBeenCalled();
  });

  it('ignores messages without a numeric seq', () => {
    const kernel = new FakeKernel();
    const r = watchCredits(kernel, TARGETS);
    for (const metadata of [
      {},
      undefined,
      null,
      { ipycomm: {} },
      { ipycomm: { seq: '3' } },
      { ipycomm: 'x' }
    ]) {
      kernel.iopubMessage.emit(iopub(metadata, 'status'));
    }
    expect(kernel.sendControlMessage).not.toHaveBeenCalled();
    expect(r.seq).toBeNull();
  });

  it('sends a closing credit when the connection is disposed, then stops', () => {
    const kernel = new FakeKernel();
    watchCredits(kernel, TARGETS);
    kernel.iopubMessage.emit(iopub({ ipycomm: { seq: 4 } }));
    kernel.disposed.emit();
    kernel.iopubMessage.emit(iopub({ ipycomm: { seq: 5 } }));
    const sent = kernel.sendControlMessage.mock.calls.map(
      ([msg]) => (msg as { content: ICreditContent }).content
    );
    expect(sent.map(c => [c.seq, c.closing])).toEqual([
      [4, false],
      [4, true]
    ]);
  });

  it('sends a closing credit when the page goes away, not when it is only cached', () => {
    const kernel = new FakeKernel();
    const page = new EventTarget();
    const r = watchCredits(kernel, TARGETS, { page });
    kernel.iopubMessage.emit(iopub({ ipycomm: { seq: 4 } }));
    page.dispatchEvent(
      Object.assign(new Event('pagehide'), { persisted: true })
    );
    expect(r.isClosed).toBe(false);
    page.dispatchEvent(
      Object.assign(new Event('pagehide'), { persisted: false })
    );
    expect(r.isClosed).toBe(true);
    expect(kernel.sendControlMessage).toHaveBeenCalledTimes(2);
  });

  it('never throws into the connection’s signal, even when sending throws', () => {
    const kernel = new FakeKernel();
    kernel.sendControlMessage.mockImplementation(() => {
      throw new Error('Kernel is dead');
    });
    // Lumino catches what a slot throws and hands it to this handler.
    const thrown = jest.fn();
    const previous = Signal.setExceptionHandler(thrown);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      watchCredits(kernel, TARGETS);
      kernel.iopubMessage.emit(iopub({ ipycomm: { seq: 1 } }));
      kernel.iopubMessage.emit(iopub({ ipycomm: { seq: 70 } }));
      kernel.disposed.emit();
      expect(thrown).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/could not send a credit.*Kernel is dead/)
      );
    } finally {
      Signal.setExceptionHandler(previous);
      warn.mockRestore();
    }
  });
});
