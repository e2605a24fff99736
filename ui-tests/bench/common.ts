/**
 * What every browser benchmark spec shares: the side being measured, which figures to run,
 * and where to write them. Set by `python -m benchmarks.browser`:
 *
 * - BENCH_SIDE: ipycomm | stock
 * - BENCH_OUT_DIR: each spec writes `<figure group>.json` there
 * - BENCH_FIGURES: comma-separated groups to run (slider, memory, push); empty runs all
 */
import * as fs from 'fs';
import * as path from 'path';

export const SIDE = process.env.BENCH_SIDE ?? 'ipycomm';
const OUT_DIR = process.env.BENCH_OUT_DIR ?? 'bench-results';
const FIGURES = (process.env.BENCH_FIGURES ?? '')
  .split(',')
  .map(name => name.trim())
  .filter(Boolean);

/** The kernel-side import: the only difference between the two sides in the kernel. */
export const IMPORT =
  SIDE === 'ipycomm'
    ? 'from ipycomm import Comm'
    : 'from ipykernel.comm import Comm';

/** Whether the figure group `name` was asked for. */
export function wanted(name: string): boolean {
  return FIGURES.length === 0 || FIGURES.includes(name);
}

/** Writes one figure group's results for the driver to collect. */
export function writeResult(name: string, result: unknown): void {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(OUT_DIR, `${name}.json`),
    JSON.stringify({ side: SIDE, ...(result as object) })
  );
}
