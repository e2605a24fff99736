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

/**
 * A payload cut into slices of the size each call asks for, in order. The fixed format
 * (`count` given) announces how many chunks come; the adaptive one marks the last.
 */
export class Slicer {
  constructor(payload: IPayload, transfer: string, count?: number) {
    this._payload = payload;
    this._transfer = transfer;
    this._count = count;
  }

  /** Bytes cut so far. */
  get offset(): number {
    return this._offset;
  }

  /** Whether the last chunk was cut. */
  get exhausted(): boolean {
    return this._index > 0 && this._offset >= this._payload.size;
  }

  /** The next chunk, of `size` bytes or what is left. */
  take(size: number): IChunk {
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new RangeError(
        `chunk size must be a positive integer, got ${size}`
      );
    }
    const { parts, size: total } = this._payload;
    const start = this._offset;
    const end = Math.min(total, start + size);
    const index = this._index++;
    this._offset = end;
    const header: IChunkHeader = { transfer: this._transfer, index };
    if (this._count !== undefined) {
      header.count = this._count;
    } else if (end >= total) {
      header.last = true;
    }
    if (index === 0) {
      header.size = total;
      header.parts = parts.map(part => part.byteLength);
    }
    return { header, slice: copyRange(this._payload, start, end) };
  }

  private _payload: IPayload;
  private _transfer: string;
  private _count: number | undefined;
  private _offset = 0;
  private _index = 0;
}

/** The chunks of a payload in the fixed format, in order. */
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
  const slicer = new Slicer(payload, transfer, count);
  while (!slicer.exhausted) {
    yield slicer.take(chunkSize);
  }
}
