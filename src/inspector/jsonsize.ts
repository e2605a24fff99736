/**
 * The size of a message's JSON, for the inspector's byte counts, without serializing it: the
 * recorder sizes every comm message of every connection, and serializing a 14 MB figure again
 * would cost the page as much as JupyterLab's own parse of it. Exact for objects and small
 * arrays; a long array of plain values (a figure's coordinates) is sized from an even sample
 * of its items, so the figure is then an estimate, close for the arrays figures are made of.
 */

/** Arrays longer than this are sized from a sample of this many items. */
export const SAMPLED_ARRAY = 1024;

/** The length `JSON.stringify(value)` would have (0 for what it would skip). */
export function jsonSize(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value).length;
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'object':
      if (value === null) {
        return 4;
      }
      return Array.isArray(value) ? arraySize(value) : objectSize(value);
    default:
      return 0;
  }
}

function arraySize(items: unknown[]): number {
  const commas = Math.max(items.length - 1, 0);
  if (items.length <= SAMPLED_ARRAY) {
    return (
      2 + commas + items.reduce<number>((sum, item) => sum + itemSize(item), 0)
    );
  }
  const step = items.length / SAMPLED_ARRAY;
  let sampled = 0;
  for (let i = 0; i < SAMPLED_ARRAY; i++) {
    sampled += itemSize(items[Math.floor(i * step)]);
  }
  return 2 + commas + Math.round((sampled / SAMPLED_ARRAY) * items.length);
}

/** An array item: what JSON.stringify writes for it (null for what it skips). */
function itemSize(item: unknown): number {
  return item === undefined || typeof item === 'function' ? 4 : jsonSize(item);
}

function objectSize(value: object): number {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return JSON.stringify(value)?.length ?? 0;
  }
  let size = 2;
  let members = 0;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === 'function') {
      continue;
    }
    size += JSON.stringify(key).length + 1 + jsonSize(item);
    members += 1;
  }
  return size + Math.max(members - 1, 0);
}
