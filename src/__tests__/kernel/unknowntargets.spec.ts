import type { Kernel } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import {
  refuseUnknownTargets,
  unknownTargetReason
} from '../../kernel/unknowntargets';

/** A kernel connection with JupyterLab's target registry shape. */
class Connection {
  handleComms = true;
  anyMessage = new Signal<this, { msg: unknown; direction: string }>(this);
  _targetRegistry: Record<string, (comm: unknown, msg: unknown) => void> = {};
  registerCommTarget(name: string, cb: (comm: unknown, msg: unknown) => void) {
    this._targetRegistry[name] = cb;
  }
  receive(msg_type: string, content: object) {
    this.anyMessage.emit({
      msg: { header: { msg_type }, content },
      direction: 'recv'
    });
  }
}

const open = (target: string, extra = {}) => ({
  comm_id: 'c',
  target_name: target,
  data: {},
  ...extra
});

describe('refuseUnknownTargets', () => {
  it('closes a comm to an unknown target once, with a reason', () => {
    const kernel = new Connection();
    refuseUnknownTargets(kernel as unknown as Kernel.IKernelConnection);
    kernel.receive('comm_open', open('nobody'));
    const comm = { targetName: 'nobody', close: jest.fn() };
    kernel._targetRegistry['nobody'](comm, {});
    expect(comm.close).toHaveBeenCalledTimes(1);
    expect(comm.close).toHaveBeenCalledWith({
      reason: unknownTargetReason('nobody')
    });
    expect(unknownTargetReason('nobody')).toContain("no comm target 'nobody'");
  });

  it('leaves known targets, target modules and other messages alone', () => {
    const kernel = new Connection();
    const mine = jest.fn();
    kernel.registerCommTarget('mine', mine);
    refuseUnknownTargets(kernel as unknown as Kernel.IKernelConnection);
    kernel.receive('comm_open', open('mine'));
    kernel.receive('comm_open', open('viamodule', { target_module: 'm' }));
    kernel.receive('comm_msg', { comm_id: 'c', data: {} });
    expect(Object.keys(kernel._targetRegistry)).toEqual(['mine']);
    expect(kernel._targetRegistry['mine']).toBe(mine);
  });

  it('does nothing on a connection that does not handle comms', () => {
    const kernel = new Connection();
    kernel.handleComms = false;
    refuseUnknownTargets(kernel as unknown as Kernel.IKernelConnection);
    kernel.receive('comm_open', open('nobody'));
    expect(kernel._targetRegistry).toEqual({});
  });
});
