/**
 * JSON values and results: the types every module uses for what a kernel, a saved notebook or
 * the user hands us, and the few pure helpers to read them safely. Nothing here knows about
 * comms or widgets.
 *
 * Parsers return a Result instead of throwing, so one malformed message becomes an inline
 * error in one view and never an uncaught exception inside the kernel connection's message
 * chain (which would stall every other comm).
 */

type JSONPrimitive = string | number | boolean | null;
export type JSONValue = JSONPrimitive | IJSONObject | JSONValue[];
export interface IJSONObject {
  [key: string]: JSONValue;
}

/** Either a value or a human-readable reason why there is none. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(error: string): Result<T> {
  return { ok: false, error };
}

export function isObject(value: unknown): value is IJSONObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Short, bounded rendering of untrusted data for error messages. */
export function preview(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Parses the user's JSON text for a message; empty text means "no data". */
export function parseUserJson(text: string): Result<IJSONObject> {
  if (!text.trim()) {
    return ok({});
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail(`Invalid JSON: ${(e as Error).message}`);
  }
  return isObject(value) ? ok(value) : fail('Data must be a JSON object');
}
