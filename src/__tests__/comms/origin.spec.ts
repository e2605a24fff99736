/**
 * A page's own seed-slider changes come back from the kernel as relays (python/ipycomm/
 * relay.py): the page ignores the stale ones, applies the newest, and still follows changes
 * made elsewhere, including its own cells' set_value.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { modelForComm } from '../../comms/kernelcomm';
import type { CommModel } from '../../comms/model';
import { SentMessages } from '../../comms/origin';
import { FOREIGN } from '../../widgets/api';
import { reduceSlider } from '../../widgets/slider';
import { fakeComm, IFakeComm } from '../fakes';

const CLIENT = 'client-page-1';
const config = { min: 0, max: 255, value: 128 };
const update = (value: number) => ({ action: 'update_value', value });

describe('SentMessages', () => {
  it('knows an answer to a message sent on the comm, and whether it is the newest', () => {
    const sent = new SentMessages(CLIENT);
    sent.add('m1');
    sent.add('m2');
    expect(sent.originOf({ session: CLIENT, msg_id: 'm1' })).toEqual({
      own: true,
      latest: false
    });
    expect(sent.originOf({ session: CLIENT, msg_id: 'm2' })).toEqual({
      own: true,
      latest: true
    });
  });

  it("takes another page's message, or this page's cell, as someone else's", () => {
    const sent = new SentMessages(CLIENT);
    sent.add('m1');
    expect(sent.originOf({ session: 'client-page-2', msg_id: 'm1' })).toBe(
      FOREIGN
    );
    expect(sent.originOf({ session: CLIENT, msg_id: 'execute-1' })).toBe(
      FOREIGN
    );
    expect(sent.originOf({})).toBe(FOREIGN);
    expect(sent.originOf(undefined)).toBe(FOREIGN);
  });

  it('forgets the oldest ids past 1024, so memory stays bounded', () => {
    const sent = new SentMessages(CLIENT);
    for (let i = 0; i < 1025; i++) {
      sent.add(`m${i}`);
    }
    expect(sent.originOf({ session: CLIENT, msg_id: 'm0' })).toBe(FOREIGN);
    expect(sent.originOf({ session: CLIENT, msg_id: 'm1' }).own).toBe(true);
  });
});

describe('reduceSlider with origins', () => {
  it('ignores a stale answer to its own change and applies the newest', () => {
    const stale = reduceSlider(config, update(129), {
      own: true,
      latest: false
    });
    expect(stale).toEqual({ ok: true, value: config });
    const newest = reduceSlider(config, update(131), {
      own: true,
      latest: true
    });
    expect(newest).toEqual({ ok: true, value: { ...config, value: 131 } });
  });

  it('applies an update from elsewhere', () => {
    expect(reduceSlider(config, update(7), FOREIGN)).toEqual({
      ok: true,
      value: { ...config, value: 7 }
    });
  });
});

interface IPage {
  comm: IFakeComm;
  model: CommModel;
  /** The user moves the slider: the model first, then the kernel (what SliderView does). */
  move(value: number): void;
}

/** A page's slider model on a fake comm whose sends get message ids `${clientId}-m1`, … */
function page(clientId: string): IPage {
  const comm = fakeComm('simple_slider', 'slider');
  let n = 0;
  comm.send.mockImplementation(() => ({
    msg: { header: { msg_id: `${clientId}-m${++n}`, session: clientId } }
  }));
  const model = modelForComm(comm as never, { id: 'k', clientId });
  comm.onMsg({ content: { data: { action: 'create', config } } });
  const move = (value: number) => {
    model.setState({ value });
    model.send({ action: 'value_change', value });
  };
  return { comm, model, move };
}

/** Delivers to `pages` what the kernel relays for message `n` of the page `from`. */
function relay(pages: IPage[], from: string, n: number, value: number): void {
  const msg = {
    content: { comm_id: 'slider', data: update(value) },
    metadata: {},
    parent_header: {
      msg_id: `${from}-m${n}`,
      session: from,
      msg_type: 'comm_msg'
    }
  };
  for (const p of pages) {
    p.comm.onMsg(msg as unknown as KernelMessage.ICommMsgMsg);
  }
}

describe('pages on one kernel and the relays of slider changes', () => {
  it('a key held down: the relays of earlier values do not move the slider back', () => {
    const one = page(CLIENT);
    one.move(129);
    one.move(130);
    one.move(131);
    relay([one], CLIENT, 1, 129);
    expect(one.model.state.value).toBe(131);
    relay([one], CLIENT, 2, 130);
    expect(one.model.state.value).toBe(131);
    relay([one], CLIENT, 3, 131);
    expect(one.model.state.value).toBe(131);
  });

  it('another page moves the slider: this page follows', () => {
    const one = page(CLIENT);
    const two = page('client-page-2');
    two.move(131);
    relay([one, two], 'client-page-2', 1, 131);
    expect(one.model.state.value).toBe(131);
    expect(two.model.state.value).toBe(131);
  });

  it("a cell of this page sets the value: the page follows (its parent is this page's)", () => {
    const one = page(CLIENT);
    one.move(200);
    one.comm.onMsg({
      content: { comm_id: 'slider', data: update(42) },
      parent_header: { msg_id: 'execute-1', session: CLIENT }
    } as unknown as KernelMessage.ICommMsgMsg);
    expect(one.model.state.value).toBe(42);
  });

  it('two pages move it at once: both end on the value the kernel took last', () => {
    for (const lastTaken of ['one', 'two']) {
      const one = page(CLIENT);
      const two = page('client-page-2');
      one.move(131);
      two.move(50);
      const relays = [
        () => relay([one, two], CLIENT, 1, 131),
        () => relay([one, two], 'client-page-2', 1, 50)
      ];
      if (lastTaken === 'one') {
        relays.reverse();
      }
      relays.forEach(deliver => deliver());
      const kernel = lastTaken === 'one' ? 131 : 50;
      expect([one.model.state.value, two.model.state.value]).toEqual([
        kernel,
        kernel
      ]);
    }
  });
});
