/**
 * Puts chunked transfer (docs/chunking.md) into one JupyterLab kernel connection, under every
 * library that uses it: the connection's `_sendMessage` (where every message leaves for the
 * websocket) and `_handleMessage` (where every message from the kernel is routed, in order)
 * are wrapped, so ipywidgets, anywidget or `kernel.createComm` need no change.
 *
 * Both are private members of @jupyterlab/services' KernelConnection, reached through
 * src/compat: when they are missing, messages go whole, as they would without ipycomm (the
 * connection's check warns once).
 */
import { KernelMessage } from '@jupyterlab/services';
import type { Kernel } from '@jupyterlab/services';
import { UUID } from '@lumino/coreutils';
import { IMessagePath, messagePathOf, setMessagePath } from '../compat';
import type { CommReader } from '../kernel/reader';
import { CHUNK_KEY, seqOf } from '../kernel/protocol';
import { isStaleClose } from '../kernel/staleclose';
import { Assembler } from './assembler';
import { chunkData } from './format';
import { IdleWaiters } from './idle';
import { Incoming } from './incoming';
import { Negotiation } from './negotiation';
import { Outgoing } from './outgoing';
import { transfers as pageTransfers, Transfers } from './transfers';

type Message = KernelMessage.IMessage;

/** Statuses after which the kernel process that chunks were for is gone. */
const GONE = new Set(['restarting', 'autorestarting', 'dead']);

/**
 * Makes the connection chunk what it sends and reassemble what it receives. `reader` (the
 * connection's flow-control reader) credits each chunk at once. Returns false (messages then
 * go whole) when the connection cannot be wrapped.
 */
export function watchChunks(
  kernel: Kernel.IKernelConnection,
  reader: CommReader,
  transfers: Transfers = pageTransfers
): boolean {
  const path = messagePathOf(kernel);
  if (!path) {
    return false;
  }
  new ChunkedConnection(kernel, path, reader, transfers).install();
  return true;
}

/** The chunking parts of one connection, and the wrapping that routes messages to them. */
class ChunkedConnection {
  constructor(
    kernel: Kernel.IKernelConnection,
    path: IMessagePath,
    reader: CommReader,
    transfers: Transfers
  ) {
    this._kernel = kernel;
    this._reader = reader;
    this._send = path.send;
    this._handle = path.handle;
    this._negotiation = new Negotiation(async () => {
      const reply = await kernel.requestCommInfo({ target_name: CHUNK_KEY });
      return reply.content;
    });
    const warn = (message: string) => console.warn(message);
    this._outgoing = new Outgoing({
      kernelId: kernel.id,
      negotiation: this._negotiation,
      transfers,
      send: msg => this._send(msg),
      create: (commId, data, buffers) => this._create(commId, data, buffers),
      idle: msgId => this._waiters.wait(msgId),
      newId: () => UUID.uuid4(),
      warn
    });
    this._incoming = new Incoming({
      kernelId: kernel.id,
      assembler: new Assembler(),
      transfers,
      outgoing: this._outgoing,
      sendCancel: (commId, transfer) =>
        this._send(
          this._create(commId, chunkData({ transfer, cancel: true }), [])
        ),
      warn
    });
  }

  install(): void {
    const kernel = this._kernel;
    setMessagePath(kernel, {
      send: (msg: Message, queue?: boolean) => {
        if (msg.channel === 'shell' && msg.header.msg_type === 'comm_close') {
          this._incoming.pageClosed(
            (msg as KernelMessage.ICommCloseMsg).content.comm_id
          );
        }
        if (!this._outgoing.take(msg)) {
          this._send(msg, queue);
        }
      },
      handle: (msg: Message) => this._onMessage(msg)
    });
    kernel.statusChanged.connect((_, status) => {
      if (GONE.has(status)) {
        this._gone(
          status === 'dead' ? 'the kernel died' : 'the kernel restarted'
        );
        this._negotiation.reset();
      }
    });
    kernel.disposed.connect(() => this._gone('the connection closed'));
    void this._negotiation.resolve();
  }

  private _onMessage(msg: Message): Promise<void> {
    this._waiters.observe(msg);
    const taken = this._incoming.take(msg);
    if (taken.kind === 'deliver') {
      return this._handle(taken.msg);
    }
    if (taken.kind === 'pass' && !isStaleClose(this._kernel, msg)) {
      return this._handle(msg);
    }
    // A chunk (credited at once), or a close of a comm the page no longer has: JupyterLab
    // never sees it, so flow control is told here.
    const seq = seqOf(msg.metadata);
    if (seq !== null) {
      this._reader.receive(seq, taken.kind === 'swallow');
    }
    return Promise.resolve();
  }

  private _create(
    commId: string,
    data: KernelMessage.ICommMsgMsg['content']['data'],
    buffers: ArrayBuffer[]
  ): KernelMessage.ICommMsgMsg {
    return KernelMessage.createMessage({
      msgType: 'comm_msg',
      channel: 'shell',
      session: this._kernel.clientId,
      username: this._kernel.username,
      content: { comm_id: commId, data },
      buffers
    });
  }

  private _gone(reason: string): void {
    this._waiters.rejectAll(reason);
    this._outgoing.reset(reason);
    this._incoming.reset(reason);
  }

  private _kernel: Kernel.IKernelConnection;
  private _reader: CommReader;
  private _send: IMessagePath['send'];
  private _handle: IMessagePath['handle'];
  private _negotiation: Negotiation;
  private _outgoing: Outgoing;
  private _incoming: Incoming;
  private _waiters = new IdleWaiters();
}
