/**
 * A synced state's values on the wire (docs/frontend-targets.md §6): JSON, with each binary
 * value (an ArrayBuffer or a typed array / DataView) taken out into a buffer at a path that says
 * where it goes back, as the kernel's `ipycomm/state/values.py` does.
 */
import type { Buffers } from './contract';

/** A place inside a state: its key, then list indices and object keys. */
export type Path = Array<string | number>;

export function isBinary(
  value: unknown
): value is ArrayBuffer | ArrayBufferView {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/**
 * Throws a TypeError naming `key` (and where inside the value) unless `value` may be held in a
 * synced state: JSON (finite numbers, plain objects and arrays) or binary, at any depth.
 */
export function checkValue(key: string, value: unknown): void {
  const problem = problemOf(value, []);
  if (problem) {
    const where = problem.path
      .map(step => `[${JSON.stringify(step)}]`)
      .join('');
    throw new TypeError(
      `comm.state.set: '${key}'${where ? ` at ${where}` : ''} is ${problem.what}, ` +
        'not JSON or binary (ArrayBuffer, a typed array or a DataView)'
    );
  }
}

type Problem = { path: Path; what: string } | null;

function problemOf(value: unknown, path: Path): Problem {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean'
  ) {
    return null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? null
      : { path, what: `the number ${value}` };
  }
  if (isBinary(value)) {
    return null;
  }
  if (Array.isArray(value)) {
    return firstProblem(
      value.map((item, i) => [i, item]),
      path
    );
  }
  const proto =
    typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    return firstProblem(Object.entries(value as object), path);
  }
  const kind =
    typeof value === 'object'
      ? (proto?.constructor?.name ?? 'object')
      : typeof value;
  return { path, what: `a ${kind}` };
}

function firstProblem(
  entries: Array<[string | number, unknown]>,
  path: Path
): Problem {
  for (const [step, item] of entries) {
    const found = problemOf(item, [...path, step]);
    if (found) {
      return found;
    }
  }
  return null;
}

/** The JSON of `values` with binary values replaced by null, their paths, and the buffers. */
export function splitValues(values: Record<string, unknown>): {
  state: Record<string, unknown>;
  paths: Path[];
  buffers: Buffers;
} {
  const paths: Path[] = [];
  const buffers: Array<ArrayBuffer | ArrayBufferView> = [];
  const walk = (value: unknown, path: Path): unknown => {
    if (isBinary(value)) {
      paths.push(path);
      buffers.push(value);
      return null;
    }
    if (Array.isArray(value)) {
      return value.map((item, index) => walk(item, [...path, index]));
    }
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])])
      );
    }
    return value;
  };
  const state = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, walk(v, [k])])
  );
  return { state, paths, buffers };
}

/** Puts `buffers` back into `state` at `paths`; throws on paths that do not fit. */
export function joinValues(
  state: Record<string, unknown>,
  paths: unknown,
  buffers: ReadonlyArray<DataView>
): Record<string, unknown> {
  const list = paths === undefined ? [] : paths;
  if (!Array.isArray(list) || list.length !== buffers.length) {
    throw new Error(
      `buffer_paths must list one path per buffer (${buffers.length})`
    );
  }
  list.forEach((path: unknown, index) => put(state, path, buffers[index]));
  return state;
}

function put(
  state: Record<string, unknown>,
  path: unknown,
  value: DataView
): void {
  if (!Array.isArray(path) || typeof path[0] !== 'string') {
    throw new Error(
      `a buffer path must start with a state key, got ${JSON.stringify(path)}`
    );
  }
  let holder: unknown = state;
  for (const step of path.slice(0, -1)) {
    holder = (holder as Record<string | number, unknown> | undefined)?.[step];
  }
  if (typeof holder !== 'object' || holder === null) {
    throw new Error(
      `the buffer path ${JSON.stringify(path)} does not fit the state`
    );
  }
  (holder as Record<string | number, unknown>)[path[path.length - 1]] = value;
}

/** Whether two values are the same state: equal JSON, or equal bytes. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (isBinary(a) || isBinary(b)) {
    return isBinary(a) && isBinary(b) && sameBytes(a, b);
  }
  // Binary values inside JSON are not compared: such a value counts as changed.
  return !holdsBinary(a) && JSON.stringify(a) === JSON.stringify(b);
}

function holdsBinary(value: unknown): boolean {
  if (isBinary(value)) {
    return true;
  }
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).some(holdsBinary);
  }
  return false;
}

function bytesOf(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer
    ? new Uint8Array(value)
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function sameBytes(
  a: ArrayBuffer | ArrayBufferView,
  b: ArrayBuffer | ArrayBufferView
): boolean {
  const x = bytesOf(a);
  const y = bytesOf(b);
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}
