/**
 * The contract of a module defined from Python with `ipycomm.frontend_target` (see
 * docs/frontend-targets.md §2): the module exports `render({ comm, el })`, as a named export or
 * as `default.render`, and may return a cleanup function. These are its types, for authors who
 * write TypeScript or JSDoc: `import type { IRenderProps } from 'ipycomm'`.
 */

/** Buffers sent with a message. */
export type Buffers = ReadonlyArray<ArrayBuffer | ArrayBufferView>;

/** A reply to a request: its data, and its buffers as the kernel connection made them. */
export interface IReply {
  readonly data: Record<string, unknown>;
  readonly buffers: ReadonlyArray<DataView>;
}

/** What a module's `comm.onRequest` handler returns, or a promise of it. */
export type RequestHandler = (
  data: Record<string, unknown>,
  buffers: ReadonlyArray<DataView>
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** `comm.state.on('change', …)` gets the keys that changed, with their new values. */
export type StateListener = (changes: Record<string, unknown>) => void;
/** `comm.state.on('change:key', …)` gets the key's new value (undefined once deleted). */
export type KeyListener = (value: unknown) => void;

/**
 * A comm's synced state, kept by the kernel (docs/frontend-targets.md §6). Values are JSON,
 * or binary (ArrayBuffer, typed arrays, DataView); binary values from the kernel are DataViews.
 */
export interface IModuleState {
  get(key: string): unknown;
  /** Shown in this page at once, then ordered by the kernel; false when disconnected. */
  set(key: string, value: unknown): boolean;
  set(values: Record<string, unknown>): boolean;
  /** Listens to changes from any side, this page's own sets included. */
  on(event: 'change', listener: StateListener): () => void;
  on(event: `change:${string}`, listener: KeyListener): () => void;
}

/** The comm a view's module talks through; each view gets its own. */
export interface IModuleComm {
  /** The comm's id and target. */
  readonly id: string;
  readonly target: string;
  /** The data the comm was opened with (after a reload, the last state saved with the view). */
  readonly data: Record<string, unknown>;
  /** The synced state, for a comm opened with `state=`; null otherwise. */
  readonly state: IModuleState | null;
  /** Sends to the kernel (the comm's `on_msg`); false when the comm is disconnected. */
  send(data: Record<string, unknown>, buffers?: Buffers): boolean;
  /** Messages from the kernel; returns a function that removes the listener. */
  on(
    event: 'msg',
    listener: (
      data: Record<string, unknown>,
      buffers: ReadonlyArray<DataView>
    ) => void
  ): () => void;
  /** The comm closed (by either side, or its kernel went away). */
  on(event: 'close', listener: () => void): () => void;
  /**
   * Asks the kernel's `on_request` handler; rejects with a RequestError carrying the kernel's
   * error type (`name`) and message, a TimeoutError after `timeout` ms (default 10,000), or a
   * CommClosedError when the comm closes first (or is closed already).
   */
  request(
    data: Record<string, unknown>,
    options?: { buffers?: Buffers; timeout?: number }
  ): Promise<IReply>;
  /** Answers the kernel's `comm.request(...)`; the handler may be async. */
  onRequest(handler: RequestHandler | null): void;
  /** Closes the comm. */
  close(): void;
}

/** What `render` gets. */
export interface IRenderProps {
  readonly comm: IModuleComm;
  /** The element to render into; it is the view's own. */
  readonly el: HTMLElement;
}

/** What `render` may return: nothing, a cleanup function, or a promise of either. */
export type RenderResult = void | (() => void) | Promise<void | (() => void)>;

/** A module's render function. */
export type RenderFunction = (props: IRenderProps) => RenderResult;
