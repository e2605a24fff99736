/**
 * Where a view's state goes in the document that shows it. A comm's state lives in the page's
 * model; it goes into the notebook only when the notebook is saved (each renderer writes its
 * output on `saving`), so a kernel push never marks a notebook modified. In a collaborative
 * document (jupyter-collaboration) one page, the oldest ipycomm page in the document's
 * awareness, also shares each change in a map of the shared document that is not part of the
 * notebook (never saved to the file, never re-rendering an output), so a page that opens or
 * reloads the notebook later starts from the current state.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { IJSONObject, isObject } from '../util/json';

/** What a renderer asks of the document holding its output. */
export interface IDocumentStates {
  /** Emitted right before the document is saved: outputs must hold their latest state. */
  readonly saving: ISignal<IDocumentStates, void>;
  /** The latest state a page shared for the comm (collaborative documents only). */
  stateOf(commId: string): IJSONObject | undefined;
  /** A comm's state changed: shared if this page is the document's one writer. */
  share(commId: string, state: IJSONObject): void;
}

/** The parts of a JupyterLab document context used here (DocumentRegistry.IContext). */
export interface IContextLike {
  readonly saveState: ISignal<unknown, string>;
  readonly model: {
    readonly collaborative?: boolean;
    readonly sharedModel: unknown;
  };
}

/** The parts of a Y.Map and of y-protocols' Awareness used here. */
interface IYMapLike {
  readonly size: number;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}
type AwarenessStates = Map<number, Record<string, unknown>>;
interface IAwarenessLike {
  readonly clientID: number;
  getLocalState(): Record<string, unknown> | null;
  setLocalStateField(field: string, value: unknown): void;
  getStates(): AwarenessStates;
}
interface ISharedLike {
  readonly ydoc?: { getMap(name: string): IYMapLike };
  readonly awareness?: IAwarenessLike;
}

/**
 * How long a page that joined a document others already wrote to waits before it may write:
 * a new page hears the other pages' awareness only when they renew it (y-protocols renews
 * every 15 s; the server does not replay it), and until then it cannot tell it is not first.
 */
export const SETTLE_MS = 20000;

/** The shared document's map of comm states, by comm id. */
export const SHARED_MAP = 'ipycomm:states';
/** The awareness field by which an ipycomm page says since when it shows the document. */
export const AWARENESS_FIELD = 'ipycomm';

/** The client that writes: the page with the oldest mark, the lowest client id on a tie. */
export function writerOf(states: AwarenessStates): number | undefined {
  let best: { since: number; id: number } | undefined;
  for (const [id, state] of states) {
    const mark = state?.[AWARENESS_FIELD];
    if (!isObject(mark) || typeof mark.since !== 'number') {
      continue;
    }
    const since = mark.since;
    if (!best || since < best.since || (since === best.since && id < best.id)) {
      best = { since, id };
    }
  }
  return best?.id;
}

export class DocumentStates implements IDocumentStates {
  constructor(context: IContextLike, now: () => number = Date.now) {
    context.saveState.connect((_, state) => {
      if (state === 'started') {
        this._saving.emit();
      }
    });
    const shared = context.model.sharedModel as ISharedLike;
    this._now = now;
    if (context.model.collaborative && shared.ydoc && shared.awareness) {
      this._map = shared.ydoc.getMap(SHARED_MAP);
      this._awareness = shared.awareness;
      this._since = now();
      this._mark();
    }
  }

  get saving(): ISignal<IDocumentStates, void> {
    return this._saving;
  }

  stateOf(commId: string): IJSONObject | undefined {
    const state = this._map?.get(commId);
    return isObject(state) ? state : undefined;
  }

  share(commId: string, state: IJSONObject): void {
    if (!this._map || !this._isWriter()) {
      return;
    }
    if (JSON.stringify(this._map.get(commId)) !== JSON.stringify(state)) {
      this._map.set(commId, state);
    }
  }

  private _isWriter(): boolean {
    this._mark();
    const awareness = this._awareness!;
    const states = awareness.getStates();
    this._settled ||=
      this._map!.size === 0 ||
      writerOf(states) !== awareness.clientID ||
      this._now() - this._since >= SETTLE_MS;
    return this._settled && writerOf(states) === awareness.clientID;
  }

  /** Puts this page's mark in its awareness state (once the provider has made one). */
  private _mark(): void {
    const awareness = this._awareness!;
    const local = awareness.getLocalState();
    if (local && !isObject(local[AWARENESS_FIELD])) {
      awareness.setLocalStateField(AWARENESS_FIELD, { since: this._since });
    }
  }

  private _saving = new Signal<IDocumentStates, void>(this);
  private _map: IYMapLike | null = null;
  private _awareness: IAwarenessLike | null = null;
  private _since = 0;
  private _now: () => number;
  /** This page knows whether it is first: nothing was shared, it heard an older page, or it waited. */
  private _settled = false;
}
