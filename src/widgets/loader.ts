/**
 * Turns a target's module source into its render function: the source is imported as an ES
 * module from a blob URL (never through webpack), once per distinct source, and `render` is
 * found as a named export or as `default.render`.
 */
import { fail, ok, Result } from '../util/json';
import type { RenderFunction } from './contract';

/** Imports an ES module from its source text. */
export type Importer = (source: string) => Promise<unknown>;

/** The browser's importer: a blob URL, revoked once the module has loaded. */
export const importFromBlob: Importer = async source => {
  const url = URL.createObjectURL(
    new Blob([source], { type: 'text/javascript' })
  );
  try {
    return await import(/* webpackIgnore: true */ url);
  } finally {
    URL.revokeObjectURL(url);
  }
};

/** The render function a module exports, or what is wrong with its exports. */
export function renderOf(
  module: unknown,
  name: string
): Result<RenderFunction> {
  const exports = (module ?? {}) as Record<string, unknown>;
  if (typeof exports.render === 'function') {
    return ok(exports.render as RenderFunction);
  }
  const fallback = exports.default as Record<string, unknown> | undefined;
  if (typeof fallback?.render === 'function') {
    return ok(fallback.render as RenderFunction);
  }
  return fail(
    `The module of target '${name}' exports no render function ` +
      '(export function render({ comm, el }), or a default export with a render method)'
  );
}

/** An error as a user reads it: its type, message and stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const head = `${error.name}: ${error.message}`;
    const stack = error.stack ?? '';
    return stack.includes(error.message) ? stack : `${head}\n${stack}`.trim();
  }
  return String(error);
}

/** How many distinct module sources stay loaded (each hot reload adds one). */
const CACHE_LIMIT = 64;

export class ModuleLoader {
  constructor(private readonly _import: Importer = importFromBlob) {}

  /** The render function of a module; rejects with the import error or a missing export. */
  load(name: string, source: string): Promise<RenderFunction> {
    let loaded = this._cache.get(source);
    if (!loaded) {
      loaded = this._import(source).then(module => {
        const render = renderOf(module, name);
        if (!render.ok) {
          throw new TypeError(render.error);
        }
        return render.value;
      });
      loaded.catch(() => this._cache.delete(source));
      this._cache.set(source, loaded);
      if (this._cache.size > CACHE_LIMIT) {
        this._cache.delete(this._cache.keys().next().value as string);
      }
    }
    return loaded;
  }

  private _cache = new Map<string, Promise<RenderFunction>>();
}
