/**
 * Which kernel messages answer the messages this page sent on one comm. The kernel relays a
 * page's seed-slider change to every page, parented to the page's message (python/ipycomm/
 * relay.py); the page that sent it must tell such an answer from a change made elsewhere.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { FOREIGN, IMessageOrigin } from '../widgets/api';

/** Sent message ids kept per comm: answers to older ones count as someone else's. */
const REMEMBERED = 1024;

export class SentMessages {
  /** `clientId`: the kernel connection's, which every message it sends carries as session. */
  constructor(clientId: string) {
    this._clientId = clientId;
  }

  /** Notes a message this page sent on the comm (the newest so far). */
  add(msgId: string): void {
    this._ids.add(msgId);
    this._latest = msgId;
    if (this._ids.size > REMEMBERED) {
      const oldest = this._ids.values().next().value as string;
      this._ids.delete(oldest);
    }
  }

  /** How a kernel message with this parent header relates to what this page sent. */
  originOf(parent: Partial<KernelMessage.IHeader> | undefined): IMessageOrigin {
    const id = parent?.msg_id;
    if (!id || parent?.session !== this._clientId || !this._ids.has(id)) {
      return FOREIGN;
    }
    return { own: true, latest: id === this._latest };
  }

  private _clientId: string;
  private _ids = new Set<string>();
  private _latest = '';
}
