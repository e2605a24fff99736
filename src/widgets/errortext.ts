/**
 * How a module's error reads under its view: one line with what failed and the error's type
 * and message, and its stack behind a closed disclosure, its frames made readable (no origin,
 * no cache-busting query, a labextension's bundle named by its package; a kernel module's
 * frames name their target through the module's sourceURL, loader.ts). Text only: an error's
 * text goes in as textContent, never parsed as HTML.
 */
import { el } from '../util/dom';

/** A stack frame line: V8's `    at f (url:1:2)`, or Firefox's and Safari's `f@url:1:2`. */
const FRAME = /^\s*at\s|@\S*:\d+(:\d+)?\s*$/;

/** A labextension bundle's URL, up to its package name: `…/extensions/<package>/static/`. */
const BUNDLE =
  /(^|[\s(@])[^\s()@]*\/extensions\/((?:@[^/\s]+\/)?[^/\s]+)\/static\//g;

/** A bundle's cache-busting query (`?v=<hash>`). */
const VERSION_QUERY = /\?v=[0-9a-zA-Z]+/g;

/** An error's type and message, as one line's worth of text; anything thrown reads. */
export function errorHeadline(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name || 'Error';
    return error.message ? `${name}: ${error.message}` : name;
  }
  return String(error);
}

/** One frame, shorter: `ipycomm/720.js:5:1820` for a bundle, the rest as the browser wrote it. */
export function readableFrame(frame: string): string {
  return frame.replace(VERSION_QUERY, '').replace(BUNDLE, '$1$2/').trimEnd();
}

/** The frames of an error's stack, readable, one a line; empty when it has none. */
export function errorFrames(error: unknown): string {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  return stack
    .split('\n')
    .filter(line => FRAME.test(line))
    .map(readableFrame)
    .join('\n');
}

/**
 * The nodes that show `error` under a view: `<what>: <type>: <message>`, then the stack inside
 * a closed <details> (left out when there is no stack).
 */
export function errorNodes(what: string, error: unknown): HTMLElement[] {
  const message = el(
    'pre',
    'jp-ipycomm-module-message',
    `${what}: ${errorHeadline(error)}`
  );
  const frames = errorFrames(error);
  if (!frames) {
    return [message];
  }
  const details = el('details', 'jp-ipycomm-module-stack');
  details.append(
    el('summary', '', 'Stack trace'),
    el('pre', 'jp-ipycomm-module-frames', frames)
  );
  return [message, details];
}
