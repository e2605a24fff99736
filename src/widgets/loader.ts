/**
 * Turns a target's module source into its render function: the source is imported as an ES
 * module from a blob URL (never through webpack), once per distinct source, and `render` is
 * found as a named export or as `default.render`. Its stack frames name the target
 * (sourceUrlComment).
 */
import { fail, ok, Result } from '../util/json';
import type { RenderFunction } from './contract';

/** Imports an ES module from its source text; `name` is the target it defines. */
export type Importer = (source: string, name: string) => Promise<unknown>;

/**
 * A comment that names the module in stack traces: its frames read
 * `ipycomm-target/<name>.js:line:col` instead of an anonymous blob URL. The name is
 * URI-encoded, so no target name can end the comment.
 */
export function sourceUrlComment(name: string): string {
  return `\n//# sourceURL=ipycomm-target/${encodeURIComponent(name)}.js\n`;
}

/** The browser's importer: a blob URL, revoked once the module has loaded. */
export const importFromBlob: Importer = async (source, name) => {
  const url = URL.createObjectURL(
    new Blob([source, sourceUrlComment(name)], { type: 'text/javascript' })
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

/** How many distinct module sources stay loaded (each hot reload adds one). */
const CACHE_LIMIT = 64;

export class ModuleLoader {
  constructor(private readonly _import: Importer = importFromBlob) {}

  /** The render function of a module; rejects with the import error or a missing export. */
  load(name: string, source: string): Promise<RenderFunction> {
    // Keyed by name too: the same source under two names has two sourceURLs.
    const key = `${name}\n${source}`;
    let loaded = this._cache.get(key);
    if (!loaded) {
      loaded = this._import(source, name).then(module => {
        const render = renderOf(module, name);
        if (!render.ok) {
          throw new TypeError(render.error);
        }
        return render.value;
      });
      loaded.catch(() => this._cache.delete(key));
      this._cache.set(key, loaded);
      if (this._cache.size > CACHE_LIMIT) {
        this._cache.delete(this._cache.keys().next().value as string);
      }
    }
    return loaded;
  }

  private _cache = new Map<string, Promise<RenderFunction>>();
}
