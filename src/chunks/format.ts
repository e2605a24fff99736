/**
 * Chunked transfer on the wire (docs/chunking.md §2 and §4), page side: what a chunk or a
 * notice carries in its comm data, the payload byte stream a message is cut from, and pure
 * validation of what the kernel sends. Mirrors python/ipycomm/chunks/format.py.
 */
import { CHUNK_KEY } from '../kernel/protocol';
import { fail, IJSONObject, isObject, ok, preview, Result } from '../util/json';

/**
 * What every chunk says about its transfer; `size` and `parts` are on chunk 0 only. The fixed
 * format announces `count`; the adaptive one (ADAPTIVE) cuts slices of any size and marks the
 * last chunk with `last: true` instead.
 */
export interface IChunkHeader {
  transfer: string;
  index: number;
  count?: number;
  size?: number;
  parts?: number[];
  last?: boolean;
}

/** The chunk formats: the fixed one (a count, one slice size) and the adaptive one. */
export const FIXED = 1;
export const ADAPTIVE = 2;

/** Whether this chunk ends its transfer. */
export function isLast(header: IChunkHeader): boolean {
  return header.count === undefined
    ? header.last === true
    : header.index === header.count - 1;
}

/** What a comm message under CHUNK_KEY is: one chunk, or a notice about a transfer. */
export type Chunked =
  | { kind: 'chunk'; header: IChunkHeader }
  | { kind: 'cancel'; transfer: string }
  | { kind: 'error'; transfer: string; error: string };

/** A buffer as messages carry them. */
export type Buffer = ArrayBuffer | ArrayBufferView;

/** A message's payload: the UTF-8 JSON of its data, then each buffer (as bytes). */
export interface IPayload {
  parts: Uint8Array[];
  size: number;
}

/** The comm data of a chunk or notice. */
export function chunkData(body: IJSONObject): IJSONObject {
  return { [CHUNK_KEY]: body };
}

/** Whether a comm message's data is a chunk or a notice (it may still be malformed). */
export function isChunked(data: unknown): boolean {
  return isObject(data) && CHUNK_KEY in data;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Validates the data of a chunk or notice, naming what is wrong. */
export function parseChunked(data: unknown): Result<Chunked> {
  const body = isObject(data) ? data[CHUNK_KEY] : undefined;
  if (!isObject(body) || typeof body.transfer !== 'string' || !body.transfer) {
    return fail(
      `${CHUNK_KEY} must be an object with a transfer id, got ${preview(body)}`
    );
  }
  const { transfer } = body;
  if (body.cancel === true) {
    return ok({ kind: 'cancel', transfer });
  }
  if (typeof body.error === 'string') {
    return ok({ kind: 'error', transfer, error: body.error });
  }
  const header = parseIndex(transfer, body);
  if (!header.ok) {
    return header;
  }
  return parseFirst(transfer, body, header.value);
}

/** The index, and the count (fixed format) or the last mark (adaptive format). */
function parseIndex(transfer: string, body: IJSONObject): Result<IChunkHeader> {
  const { index, count, last } = body;
  if (count === undefined) {
    if (!isCount(index) || (last !== undefined && typeof last !== 'boolean')) {
      return fail(
        `chunk of transfer ${transfer}: bad index ${preview(index)} or last ${preview(last)}`
      );
    }
    return ok({ transfer, index, ...(last === true ? { last } : {}) });
  }
  if (!isCount(index) || !isCount(count) || index >= count) {
    return fail(
      `chunk of transfer ${transfer}: bad index ${preview(index)} of ${preview(count)}`
    );
  }
  return ok({ transfer, index, count });
}

/** Chunk 0 gives the payload's size and parts. */
function parseFirst(
  transfer: string,
  body: IJSONObject,
  header: IChunkHeader
): Result<Chunked> {
  if (header.index === 0) {
    const { size, parts } = body;
    const lengths = Array.isArray(parts) ? parts : [];
    if (!isCount(size) || lengths.length === 0 || !lengths.every(isCount)) {
      return fail(
        `chunk 0 of transfer ${transfer} must give its size and parts`
      );
    }
    const sum = (lengths as number[]).reduce((a, b) => a + b, 0);
    if (sum !== size) {
      return fail(
        `chunk 0 of transfer ${transfer}: parts sum to ${sum}, not ${size}`
      );
    }
    header.size = size;
    header.parts = lengths as number[];
  }
  return ok({ kind: 'chunk', header });
}

function bytesOf(buffer: Buffer): Uint8Array {
  return ArrayBuffer.isView(buffer)
    ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    : new Uint8Array(buffer);
}

/** The payload of a message with this data and these buffers. */
export function payloadOf(
  data: unknown,
  buffers: ReadonlyArray<Buffer>
): IPayload {
  const parts = [
    new TextEncoder().encode(JSON.stringify(data ?? {})),
    ...buffers.map(bytesOf)
  ];
  return { parts, size: parts.reduce((n, part) => n + part.byteLength, 0) };
}

/**
 * An upper bound of a message's payload, cheap enough for every message: buffer bytes plus
 * three bytes per UTF-16 unit of its JSON (UTF-8 never needs more).
 */
export function payloadBound(
  data: unknown,
  buffers: ReadonlyArray<Buffer>
): number {
  let size = 0;
  for (const buffer of buffers) {
    size += buffer.byteLength;
  }
  return size + 3 * (JSON.stringify(data ?? {})?.length ?? 0);
}
