/**
 * @jest-environment jsdom
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import type { IDocumentStates } from '../../comms/docstates';
import type { IJSONObject } from '../../util/json';
import { CommManager, Reasons } from '../../comms/manager';
import { CommModel } from '../../comms/model';
import { VIEW_MIME_TYPE } from '../../kernel/protocol';
import { CommViewRenderer } from '../../comms/renderer';
import { FakeKernel } from '../fakes';

/** A mime model like an output's: setData replaces the data the next render sees. */
function mimeModel(view: unknown) {
  const model = {
    data: { [VIEW_MIME_TYPE]: view } as IRenderMime.IMimeModel['data'],
    setData: jest.fn((options: { data?: IRenderMime.IMimeModel['data'] }) => {
      model.data = options.data ?? model.data;
    })
  };
  return model as typeof model & IRenderMime.IMimeModel;
}

/** A document: `save()` emits saving as a context's 'started' does; `share` records. */
function fakeDocument(shared: Record<string, IJSONObject> = {}) {
  const doc = {
    saving: new Signal<IDocumentStates, void>({} as IDocumentStates),
    stateOf: (commId: string) => shared[commId],
    share: jest.fn(),
    save: () => doc.saving.emit()
  };
  return doc;
}

/** The renderer, attached in a document whose states are `doc`'s. */
type Attachable = CommViewRenderer & {
  attachTo(doc: ReturnType<typeof fakeDocument>): void;
};

function setup(kernel: FakeKernel | null = new FakeKernel()) {
  const manager = new CommManager({ cells: () => [] });
  const shown: CommModel[] = [];
  let doc: ReturnType<typeof fakeDocument> | null = null;
  const renderer = new CommViewRenderer({
    documentFor: () => doc,
    manager,
    kernelFor: async () => kernel?.asKernel ?? null,
    createView: model => {
      shown.push(model);
      return new Widget();
    },
    persistDelayMs: 1000
  }) as Attachable;
  renderer.attachTo = d => {
    doc = d;
    Widget.attach(renderer, document.body);
  };
  return { manager, renderer, shown, kernel };
}

function registered(manager: CommManager, commId = 'c1') {
  const model = new CommModel({
    commId,
    targetName: 'simple_slider',
    kernelId: 'kernel-1',
    transport: { send: jest.fn(), close: jest.fn() }
  });
  manager.registry.add(model);
  return model;
}

const flush = () => new Promise(resolve => setTimeout(resolve, 0));

describe('CommViewRenderer', () => {
  afterEach(() => jest.useRealTimers());

  it('shows the registered model of the comm', async () => {
    const { manager, renderer, shown } = setup();
    const model = registered(manager);
    await renderer.renderModel(
      mimeModel({ comm_id: 'c1', target_name: 'simple_slider' })
    );
    expect(shown).toEqual([model]);
  });

  it('shows bad view data as text instead of throwing', async () => {
    const { renderer, shown } = setup();
    await renderer.renderModel(mimeModel({ target_name: 'simple_slider' }));
    expect(shown).toEqual([]);
    expect(renderer.node.textContent).toMatch(/no comm_id/);
  });

  it('a state change (a kernel push) does not write the output, so the notebook stays unmodified', async () => {
    const { manager, renderer } = setup();
    const doc = fakeDocument();
    renderer.attachTo(doc);
    const model = registered(manager);
    const output = mimeModel({ comm_id: 'c1', target_name: 'simple_slider' });
    await renderer.renderModel(output);
    model.handleMessage({
      action: 'create',
      config: { min: 0, max: 9, value: 1 }
    });
    model.handleMessage({ action: 'update_value', value: 4 });
    expect(output.setData).not.toHaveBeenCalled();
    renderer.dispose();
  });

  it('writes the latest state into the output when the notebook is saved, once per change', async () => {
    const { manager, renderer } = setup();
    const doc = fakeDocument();
    renderer.attachTo(doc);
    const model = registered(manager);
    const output = mimeModel({ comm_id: 'c1', target_name: 'simple_slider' });
    await renderer.renderModel(output);
    model.handleMessage({
      action: 'create',
      config: { min: 0, max: 9, value: 3 }
    });
    doc.save();
    expect(output.setData).toHaveBeenCalledTimes(1);
    expect(output.data[VIEW_MIME_TYPE]).toEqual({
      comm_id: 'c1',
      target_name: 'simple_slider',
      state: { min: 0, max: 9, value: 3 }
    });
    doc.save();
    expect(output.setData).toHaveBeenCalledTimes(1);
    renderer.dispose();
    doc.save();
    expect(output.setData).toHaveBeenCalledTimes(1);
  });

  it('shares the state with the document at once, then at most once per delay', async () => {
    jest.useFakeTimers();
    const { manager, renderer } = setup();
    const doc = fakeDocument();
    renderer.attachTo(doc);
    const model = registered(manager);
    await renderer.renderModel(
      mimeModel({ comm_id: 'c1', target_name: 'simple_slider' })
    );
    model.setState({ value: 1 });
    expect(doc.share).toHaveBeenCalledTimes(1);
    model.setState({ value: 2 });
    model.setState({ value: 3 });
    expect(doc.share).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1000);
    expect(doc.share).toHaveBeenCalledTimes(2);
    expect(doc.share).toHaveBeenLastCalledWith('c1', { value: 3 });
    renderer.dispose();
  });

  it('re-attaches with the state the shared document holds rather than the older output', async () => {
    const { renderer, shown, kernel } = setup();
    kernel!.aliveComms = { c9: { target_name: 'simple_slider' } };
    const doc = fakeDocument({ c9: { min: 0, max: 9, value: 8 } });
    const saved = { min: 0, max: 9, value: 7 };
    renderer.attachTo(doc);
    await renderer.renderModel(
      mimeModel({ comm_id: 'c9', target_name: 'simple_slider', state: saved })
    );
    await flush();
    expect(shown[shown.length - 1].connected).toBe(true);
    expect(shown[shown.length - 1].state).toEqual({ min: 0, max: 9, value: 8 });
    renderer.dispose();
  });

  it('does not rebuild the view when its own state write re-renders the output', async () => {
    const { manager, renderer, shown } = setup();
    const model = registered(manager);
    const output = mimeModel({ comm_id: 'c1', target_name: 'simple_slider' });
    await renderer.renderModel(output);
    model.setState({ value: 1 });
    await renderer.renderModel(output);
    expect(shown).toHaveLength(1);
  });

  it('shows the saved state at once and re-attaches after being attached', async () => {
    const { renderer, shown, kernel } = setup();
    kernel!.aliveComms = { c9: { target_name: 'simple_slider' } };
    const state = { min: 0, max: 9, value: 7 };
    await renderer.renderModel(
      mimeModel({ comm_id: 'c9', target_name: 'simple_slider', state })
    );
    expect(shown[0].reason).toBe(Reasons.reconnecting);
    expect(shown[0].state).toEqual(state);
    Widget.attach(renderer, document.body);
    await flush();
    expect(shown[1].connected).toBe(true);
    expect(shown[1].state).toEqual(state);
    expect(kernel!.created[0].open).not.toHaveBeenCalled();
    renderer.dispose();
  });

  it('says "not connected" when the comm is gone after a reload', async () => {
    const { renderer, shown } = setup();
    Widget.attach(renderer, document.body);
    await renderer.renderModel(
      mimeModel({ comm_id: 'dead', target_name: 'simple_slider' })
    );
    await flush();
    expect(shown[shown.length - 1].reason).toBe(Reasons.gone);
    renderer.dispose();
  });
});
