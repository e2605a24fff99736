/**
 * The seam between a kernel comm and its model: the comm's messages (each message of a batch
 * in order) and its close go into the model, and the model sends and closes through the comm.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { unpackCommMsg } from '../kernel/batch';
import { IJSONObject } from '../util/json';
import { CommModel } from './model';

/** A model fed by a kernel comm: the comm's messages and close go into the model. */
export function modelForComm(
  comm: Kernel.IComm,
  kernelId: string,
  state?: IJSONObject
): CommModel {
  const model = new CommModel({
    commId: comm.commId,
    targetName: comm.targetName,
    kernelId,
    state,
    transport: {
      send: (data, buffers) =>
        comm.send(
          data,
          undefined,
          buffers as (ArrayBuffer | ArrayBufferView)[] | undefined
        ),
      close: data => {
        if (!comm.isDisposed) {
          comm.close(data);
        }
      }
    }
  });
  comm.onMsg = msg => deliver(model, msg);
  comm.onClose = msg => model.handleClose(msg.content.data);
  return model;
}

/** Hands a wire comm_msg to the model: each message of a batch in order, or itself. */
export function deliver(
  model: CommModel,
  msg: KernelMessage.ICommMsgMsg
): void {
  const messages = unpackCommMsg(msg);
  if (!messages.ok) {
    model.rejectMessage(messages.error);
    return;
  }
  model.handleMessages(
    messages.value.map(message => message.content.data),
    messages.value.map(message => (message.buffers ?? []) as DataView[])
  );
}
