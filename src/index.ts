/**
 * The package's entry point (package.json `main`): JupyterLab loads the plugin from here, and
 * other labextensions import the widget registry token and the types of the public API.
 */
import plugin from './plugin';

export { IWidgetRegistry } from './widgets/registry';
export type { IDisposable } from './widgets/registry';
export type {
  IIncomingMessage,
  IMessageOrigin,
  IViewContext,
  IWidgetDefinition,
  IWidgetModel,
  Reducer
} from './widgets/api';
export type {
  Buffers,
  IModuleComm,
  IModuleState,
  IRenderProps,
  IReply,
  KeyListener,
  RenderFunction,
  RenderResult,
  RequestHandler,
  StateListener
} from './widgets/contract';
export { CommClosedError, isCommClosed, RequestError } from './comms/rpc';
export default plugin;
