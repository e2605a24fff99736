/**
 * The CSS a kernel gives a frontend target (`frontend_target(..., css=...)`), applied only
 * inside that target's views: each view's node is marked with its kernel and target, and the
 * target's CSS goes into the page inside `@scope` of that mark, so a rule like `button { … }`
 * styles the view's buttons and nothing of JupyterLab. The style element exists only while at
 * least one view of the target is in the page, and a redefinition replaces its text.
 */

/** The attributes that mark a view's node as a scope of its target's CSS. */
export const KERNEL_ATTRIBUTE = 'data-ipycomm-kernel';
export const TARGET_ATTRIBUTE = 'data-ipycomm-target';

/** An attribute selector's value, quoted: `"` and `\` escaped, line breaks as escapes. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\a ')}"`;
}

/** The selector of every view of `target` from kernel `kernelId`. */
export function scopeSelector(kernelId: string, target: string): string {
  return `[${KERNEL_ATTRIBUTE}=${quoted(kernelId)}][${TARGET_ATTRIBUTE}=${quoted(target)}]`;
}

/** The text of the style element: the target's CSS, scoped to its views. */
export function scopedCss(
  kernelId: string,
  target: string,
  css: string
): string {
  return `@scope (${scopeSelector(kernelId, target)}) {\n${css}\n}`;
}

interface IEntry {
  css: string | null;
  views: number;
  style: HTMLStyleElement | null;
}

export class ScopedStyles {
  /** A target was defined or redefined: its views, if any, take the new CSS at once. */
  define(kernelId: string, target: string, css: string | null): void {
    const entry = this._entry(kernelId, target);
    entry.css = css;
    this._apply(kernelId, target, entry);
  }

  /**
   * Marks `node` as a view of the target and applies the target's CSS while it is there;
   * returns the function that releases it (the view went away).
   */
  attach(kernelId: string, target: string, node: HTMLElement): () => void {
    node.setAttribute(KERNEL_ATTRIBUTE, kernelId);
    node.setAttribute(TARGET_ATTRIBUTE, target);
    const entry = this._entry(kernelId, target);
    entry.views += 1;
    this._apply(kernelId, target, entry);
    let released = false;
    return () => {
      if (!released) {
        released = true;
        entry.views -= 1;
        this._apply(kernelId, target, entry);
      }
    };
  }

  /** The kernel restarted or went away: its targets' CSS goes with it. */
  forget(kernelId: string): void {
    for (const [key, entry] of this._entries) {
      if (key.startsWith(`${kernelId}\n`)) {
        entry.css = null;
        entry.style?.remove();
        entry.style = null;
        if (entry.views <= 0) {
          this._entries.delete(key);
        }
      }
    }
  }

  /** The style elements in the page, for tests and the inspector. */
  get styleCount(): number {
    return [...this._entries.values()].filter(e => e.style !== null).length;
  }

  private _entry(kernelId: string, target: string): IEntry {
    const key = `${kernelId}\n${target}`;
    let entry = this._entries.get(key);
    if (!entry) {
      entry = { css: null, views: 0, style: null };
      this._entries.set(key, entry);
    }
    return entry;
  }

  private _apply(kernelId: string, target: string, entry: IEntry): void {
    if (
      entry.css === null ||
      entry.views <= 0 ||
      typeof document === 'undefined'
    ) {
      entry.style?.remove();
      entry.style = null;
      return;
    }
    if (!entry.style) {
      entry.style = document.createElement('style');
      entry.style.className = 'jp-ipycomm-target-css';
      document.head.append(entry.style);
    }
    entry.style.textContent = scopedCss(kernelId, target, entry.css);
  }

  private _entries = new Map<string, IEntry>();
}
