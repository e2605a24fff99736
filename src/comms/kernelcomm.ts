/**
 * The seam between a kernel comm and its model: the comm's messages (each message of a batch
 * in order) and its close go into the model, and the model sends and closes through the comm.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { unpackCommMsg } from '../kernel/batch';
import { IJSONObject } from '../util/json';
import { CommModel } from './model';
import { SentMessages } from './origin';

/** What a model needs to know of its kernel connection. */
export type ConnectionIds = Pick<Kernel.IKernelConnection, 'id' | 'clientId'>;

/** A model fed by a kernel comm: the comm's messages and close go into the model. */
export function modelForComm(
  comm: Kernel.IComm,
  kernel: ConnectionIds,
  state?: IJSONObject
): CommModel {
  const sent = new SentMessages(kernel.clientId);
  const model = new CommModel({
    commId: comm.commId,
    targetName: comm.targetName,
    kernelId: kernel.id,
    state,
    transport: {
      send: (data, buffers) => {
        const future = comm.send(
          data,
          undefined,
          buffers as (ArrayBuffer | ArrayBufferView)[] | undefined
        );
        // A future without a message (a test double) only leaves the answers unrecognised.
        const msgId = future?.msg?.header?.msg_id;
        if (msgId) {
          sent.add(msgId);
        }
        return future;
      },
      close: data => {
        if (!comm.isDisposed) {
          comm.close(data);
        }
      }
    }
  });
  comm.onMsg = msg => deliver(model, msg, sent);
  comm.onClose = msg => model.handleClose(msg.content.data);
  return model;
}

/**
 * Hands a wire comm_msg to the model: each message of a batch in order, or itself, with how
 * it relates to what this page sent on the comm (`sent`; unknown without it).
 */
export function deliver(
  model: CommModel,
  msg: KernelMessage.ICommMsgMsg,
  sent?: SentMessages
): void {
  const messages = unpackCommMsg(msg);
  if (!messages.ok) {
    model.rejectMessage(messages.error);
    return;
  }
  model.handleMessages(
    messages.value.map(message => message.content.data),
    messages.value.map(message => (message.buffers ?? []) as DataView[]),
    sent?.originOf(msg.parent_header as Partial<KernelMessage.IHeader>)
  );
}
