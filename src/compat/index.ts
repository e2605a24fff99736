/**
 * The privates of other packages that the page side uses, one module per package, and the only
 * code that touches them (docs/compat.md). `PRIVATES` lists them all: no other module of src/
 * may name one (src/__tests__/compat/privates.spec.ts).
 */
import { PRIVATES as JUPYTERLAB_PRIVATES } from './jupyterlab';

export const PRIVATES: ReadonlyArray<string> = [...JUPYTERLAB_PRIVATES];

export {
  messagePathOf,
  quietStatusesPossible,
  setMessagePath,
  statusUpdaterOf,
  supportOf,
  targetRegistryOf
} from './jupyterlab';
export type { IMessagePath, ISupport } from './jupyterlab';
