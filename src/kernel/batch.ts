/**
 * Batches: several comm_msgs of one comm that the kernel packed into one wire message
 * (docs/flow-control.md §3). Mirrors `unpack` in python/ipycomm/flow/batch.py. Pure, so tests
 * feed it plain objects.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { fail, IJSONObject, isObject, ok, preview, Result } from '../util/json';
import { BATCH_KEY, flowMetadataOf } from './protocol';

type CommMsg = KernelMessage.ICommMsgMsg;

/** Whether the kernel sent this wire message as a batch (metadata.ipycomm.batch is present). */
export function isBatch(msg: CommMsg): boolean {
  const flow = flowMetadataOf(msg.metadata);
  return flow !== null && flow.batch !== undefined;
}

/** One checked batch item: what its comm message carries. */
interface IBatchEntry {
  data: IJSONObject;
  metadata: IJSONObject;
  /** How many of the message's buffers are this item's, in order. */
  buffers: number;
}

/** Checks item `index` of a batch, given how many buffers earlier items left free. */
function readItem(
  item: unknown,
  index: number,
  free: number
): Result<IBatchEntry> {
  if (!isObject(item) || !isObject(item.data)) {
    return fail(
      `Batch: item ${index} must be an object with a data object, got ${preview(item)}`
    );
  }
  const metadata = item.metadata ?? {};
  if (!isObject(metadata)) {
    return fail(`Batch: item ${index} has metadata that is not an object`);
  }
  const count = item.buffers ?? 0;
  if (
    !Number.isSafeInteger(count) ||
    (count as number) < 0 ||
    (count as number) > free
  ) {
    return fail(
      `Batch: item ${index} claims ${preview(count)} buffers, not available`
    );
  }
  return ok({ data: item.data, metadata, buffers: count as number });
}

/**
 * The comm messages a wire message carries, in order: the message itself unless it is a
 * batch, else one copy of it per item with that item's data, metadata and buffers.
 *
 * Never throws: a malformed batch (items not a list, an item without a data object, buffer
 * counts that do not add up to the message's buffers) gives an error naming what is wrong,
 * and none of its items, since which buffer belongs to which item is then unknown.
 */
export function unpackCommMsg(msg: CommMsg): Result<CommMsg[]> {
  if (!isBatch(msg)) {
    return ok([msg]);
  }
  const data: unknown = msg.content?.data;
  const items = isObject(data) ? data[BATCH_KEY] : undefined;
  if (!Array.isArray(items)) {
    return fail(`Batch: content.data.${BATCH_KEY} must be a list`);
  }
  const buffers = msg.buffers ?? [];
  const unpacked: CommMsg[] = [];
  let used = 0;
  for (const [index, item] of items.entries()) {
    const entry = readItem(item, index, buffers.length - used);
    if (!entry.ok) {
      return entry;
    }
    const end = used + entry.value.buffers;
    unpacked.push({
      ...msg,
      content: { comm_id: msg.content.comm_id, data: entry.value.data },
      metadata: entry.value.metadata,
      buffers: buffers.slice(used, end)
    });
    used = end;
  }
  if (used !== buffers.length) {
    return fail(`Batch: ${buffers.length - used} buffers belong to no item`);
  }
  return ok(unpacked);
}
