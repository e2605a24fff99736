/**
 * Cuts a payload into chunks (docs/chunking.md §2). Pure and lazy: a chunk's bytes are copied
 * out of the payload only when it is taken, so a transfer holds the payload plus the chunks in
 * flight, never a second copy of the payload.
 */
import { IChunkHeader, IPayload } from './format';

export interface IChunk {
  header: IChunkHeader;
  /** This chunk's bytes, a buffer of their own (the page's serializer needs whole buffers). */
  slice: ArrayBuffer;
}

/** How many chunks a payload of `size` bytes makes. */
export function chunkCount(size: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(size / chunkSize));
}

/** Copies bytes [start, end) of the payload, which may span several of its parts. */
export function copyRange(
  payload: IPayload,
  start: number,
  end: number
): ArrayBuffer {
  const out = new Uint8Array(end - start);
  let offset = 0; // where the current part starts in the stream
  for (const part of payload.parts) {
    const from = Math.max(start, offset);
    const to = Math.min(end, offset + part.byteLength);
    if (from < to) {
      out.set(part.subarray(from - offset, to - offset), from - start);
    }
    offset += part.byteLength;
    if (offset >= end) {
      break;
    }
  }
  return out.buffer;
}

/** The chunks of a payload, in order. */
export function* chunksOf(
  payload: IPayload,
  chunkSize: number,
  transfer: string
): Generator<IChunk> {
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) {
    throw new RangeError(
      `chunk size must be a positive integer, got ${chunkSize}`
    );
  }
  const count = chunkCount(payload.size, chunkSize);
  for (let index = 0; index < count; index++) {
    const header: IChunkHeader = { transfer, index, count };
    if (index === 0) {
      header.size = payload.size;
      header.parts = payload.parts.map(part => part.byteLength);
    }
    const start = index * chunkSize;
    const end = Math.min(payload.size, start + chunkSize);
    yield { header, slice: copyRange(payload, start, end) };
  }
}
