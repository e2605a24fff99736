/**
 * Comm traffic as the inspector sees it: every message on a kernel connection (from
 * `kernel.anyMessage`) reduced to the comm event it is, if any. Pure, so tests feed it plain
 * objects.
 */
import { jsonSize } from './jsonsize';

/** 'in' is kernel to browser, 'out' browser to kernel. */
export type Direction = 'in' | 'out';

export interface ICommEvent {
  kind: 'open' | 'msg' | 'close' | 'output';
  direction: Direction;
  commId: string;
  /** Known for comm_open only; the stats fill it in for later messages. */
  targetName: string;
  /** JSON size of the message's content, plus its binary buffers. */
  bytes: number;
  /** Sizes of the binary buffers; their content is never kept. */
  bufferSizes: number[];
  /** The comm data, or for output the text the kernel printed or raised. */
  data: unknown;
  msgId: string;
  time: number;
}

/** The parts of a kernel message (and of IAnyMessageArgs) we read. */
export interface IMessageLike {
  header: { msg_type: string; msg_id?: string };
  parent_header?: { msg_id?: string } | Record<string, never>;
  content: unknown;
  buffers?: ReadonlyArray<unknown>;
}

/**
 * The largest message JSON whose data a log entry keeps: the log holds 500 entries per
 * connection, and must not hold 500 large figures. A larger one keeps a note of its size.
 */
export const KEPT_JSON_LIMIT = 64 * 1024;

const KINDS: Record<string, ICommEvent['kind']> = {
  comm_open: 'open',
  comm_msg: 'msg',
  comm_close: 'close'
};

function sizeOf(buffer: unknown): number {
  if (buffer instanceof ArrayBuffer) {
    return buffer.byteLength;
  }
  if (ArrayBuffer.isView(buffer)) {
    return buffer.byteLength;
  }
  return 0;
}

function field(content: unknown, key: string): unknown {
  return typeof content === 'object' && content !== null
    ? (content as Record<string, unknown>)[key]
    : undefined;
}

/** The comm event a message is, or null for any other message. */
export function commEventOf(
  msg: IMessageLike,
  direction: Direction,
  time = Date.now()
): ICommEvent | null {
  const kind = KINDS[msg.header.msg_type];
  const commId = field(msg.content, 'comm_id');
  if (!kind || typeof commId !== 'string') {
    return null;
  }
  const target = field(msg.content, 'target_name');
  const bufferSizes = (msg.buffers ?? []).map(sizeOf);
  const json = jsonSize(msg.content);
  return {
    kind,
    direction,
    commId,
    targetName: typeof target === 'string' ? target : '',
    bytes: json + bufferSizes.reduce((a, b) => a + b, 0),
    bufferSizes,
    data:
      json <= KEPT_JSON_LIMIT
        ? (field(msg.content, 'data') ?? null)
        : `(${json} bytes of JSON, not kept by the log)`,
    msgId: msg.header.msg_id ?? '',
    time
  };
}

/** The id of the message this one answers, or ''. */
export function parentIdOf(msg: IMessageLike): string {
  const id = (msg.parent_header as { msg_id?: unknown } | undefined)?.msg_id;
  return typeof id === 'string' ? id : '';
}
