/**
 * The wire format as the frontend sees it, and nothing else: the names and shapes ipycomm puts
 * on kernel messages and view outputs, with pure validation of what a kernel or a saved
 * notebook hands us. Widget messages (a slider's `create`, ...) belong to their widget module
 * in src/widgets/.
 *
 * Mirrors python/ipycomm/protocol.py (comm shapes, VIEW_MIME_TYPE) and
 * python/ipycomm/flow/wire.py (flow control and batches: FLOW_KEY, CREDIT_MSG_TYPE, BATCH_KEY,
 * CreditContent). The string constants stay one `export const NAME = '...';` line each:
 * tests/test_wire_constants.py reads them from this file and compares them with the Python
 * ones, so the two sides cannot drift apart.
 */
import { fail, IJSONObject, isObject, ok, preview, Result } from '../util/json';

/** Mime type of a view of a comm in an output area (VIEW_MIME_TYPE in protocol.py). */
export const VIEW_MIME_TYPE = 'application/vnd.ipycomm.view+json';

/**
 * The metadata key of ipycomm's flow control on comm messages (FLOW_KEY in flow/wire.py):
 * `{"seq": n}` on every comm message the kernel publishes, plus `"batch": k` on a batch.
 * See docs/flow-control.md.
 */
export const FLOW_KEY = 'ipycomm';
/** The control-channel message by which a reader grants credit to the kernel. */
export const CREDIT_MSG_TYPE = 'ipycomm_credit';
/** The key of a batch's items in its comm data (BATCH_KEY in flow/wire.py). */
export const BATCH_KEY = 'ipycomm_batch';

/**
 * The target of the comm on which the kernel sends the modules of frontend targets defined from
 * Python (DEFINITIONS_TARGET in widgets/definitions.py). See docs/frontend-targets.md.
 */
export const DEFINITIONS_TARGET = 'ipycomm.frontend_targets';
/** The comm data key of a chunk or a transfer notice (CHUNK_KEY in chunks/format.py). */
export const CHUNK_KEY = 'ipycomm_chunk';
/** The comm data key of request/reply messages (RPC_KEY in rpc.py). */
export const RPC_KEY = 'ipycomm_rpc';

/** The comm data key of synced-state messages (STATE_KEY in protocol.py). */
export const STATE_KEY = 'ipycomm_state';

/** The content of an `ipycomm_credit` message (CreditContent in flow/wire.py). */
export interface ICreditContent {
  /** Unique per reader: the kernel connection's clientId. */
  reader: string;
  /** The highest seq received. */
  seq: number;
  /** How many wire messages the reader accepts beyond seq. */
  window: number;
  /** Targets whose kernel-opened comms the reader unpacks batches for. */
  batch_targets: string[];
  /** The reader leaves; the kernel forgets it. */
  closing: boolean;
  /** The reader reassembles chunked messages (docs/chunking.md §1). */
  chunks?: boolean;
  /** The chunk formats the reader reads: 2 also reads slices of any size (docs/chunking.md §2). */
  chunk_format?: number;
}

/** comm_open metadata of a comm whose frontend side unpacks batches. */
export function batchOpenMetadata(): IJSONObject {
  return { [FLOW_KEY]: { batch: true } };
}

/** metadata.ipycomm of a message, when it is an object. */
export function flowMetadataOf(metadata: unknown): IJSONObject | null {
  const flow = isObject(metadata) ? metadata[FLOW_KEY] : undefined;
  return isObject(flow) ? flow : null;
}

/** The kernel's sequence number of a message (metadata.ipycomm.seq), or null if it has none. */
export function seqOf(metadata: unknown): number | null {
  const seq = flowMetadataOf(metadata)?.seq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null;
}

/** The data of a view output: which comm to show, and the last state we saw of it. */
export interface IViewData {
  comm_id: string;
  target_name: string;
  /** Saved by the frontend so a reloaded notebook shows the last value before any kernel reply. */
  state?: IJSONObject;
}

/** Validates the data of a view output. */
export function parseViewData(data: unknown): Result<IViewData> {
  if (!isObject(data)) {
    return fail(`View data must be an object, got ${preview(data)}`);
  }
  const { comm_id, target_name, state } = data;
  if (typeof comm_id !== 'string' || !comm_id) {
    return fail(`View data has no comm_id: ${preview(data)}`);
  }
  if (typeof target_name !== 'string' || !target_name) {
    return fail(`View data has no target_name: ${preview(data)}`);
  }
  const view: IViewData = { comm_id, target_name };
  if (isObject(state)) {
    view.state = state;
  }
  return ok(view);
}

/** Why the kernel closed a comm, as ipycomm reports it (`{"reason": ...}`), or a default. */
export function closeReason(data: unknown): string {
  if (isObject(data) && typeof data.reason === 'string' && data.reason) {
    return `Closed by the kernel: ${data.reason}`;
  }
  return 'Closed by the kernel';
}

/** Whether a comm_info_reply lists the comm as alive. */
export function commIsAlive(reply: unknown, commId: string): boolean {
  if (!isObject(reply) || reply.status !== 'ok' || !isObject(reply.comms)) {
    return false;
  }
  return isObject(reply.comms[commId]);
}
