/** Helpers for specs of functions that return a Result. */

/** The error of a result that must have failed. */
export function errorOf(result: { ok: boolean; error?: string }): string {
  expect(result.ok).toBe(false);
  return result.error ?? '';
}
