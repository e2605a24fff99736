/**
 * Shared steps for the synced-state specs: a counter whose count is a synced state
 * (`ipycomm.Comm(..., state={...})`), and a second page on the same notebook and kernel.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import { pyString } from './frontend';
import { notebookJson } from './helpers';

/**
 * The counter's module: it shows the state's count, a click adds one. Each page records the
 * first text each view rendered (`window.__firstCounts`) and keeps the last comm for tests.
 */
export const STATE_COUNTER_JS = `
export function render({ comm, el }) {
  const button = document.createElement("button");
  button.className = "state-counter";
  const show = () => (button.textContent = "count " + comm.state.get("count"));
  show();
  (window.__firstCounts ??= []).push(button.textContent);
  window.__stateComm = comm;
  button.onclick = () => comm.state.set("count", comm.state.get("count") + 1);
  el.append(button);
  return comm.state.on("change:count", show);
}
`;

/** The kernel side: the target, and a comm with a synced count, shown under the cell. */
export const STATE_COUNTER_CELL = [
  'import ipycomm',
  `ipycomm.frontend_target('state_counter', ${pyString(STATE_COUNTER_JS)})`,
  "c = ipycomm.Comm(target_name='state_counter', state={'count': 0})"
].join('\n');

/** The counter's button in `page` (the first, under cell 0). */
export const counterIn = (page: Page): Locator =>
  page.locator('.jp-Notebook .jp-Cell').first().locator('button.state-counter');

/** The texts the page's counter views showed first, in order. */
export const firstCounts = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as any).__firstCounts ?? []);

/** A second page of the same browser context on notebook `path`, its counter rendered. */
export async function secondPageOn(
  page: IJupyterLabPageFixture,
  path: string
): Promise<Page> {
  const other = await page.context().newPage();
  await other.goto(`${new URL(page.url()).origin}/lab/tree/${path}`);
  await expect(counterIn(other)).toBeVisible({ timeout: 60000 });
  await page.bringToFront();
  return other;
}

/** Notebook `path` with the counter run (count 0) and saved, open in `page`; returns `path`. */
export async function savedCounter(
  page: IJupyterLabPageFixture,
  path: string
): Promise<string> {
  await page.contents.uploadContent(
    notebookJson([STATE_COUNTER_CELL, '']),
    'text',
    path
  );
  await page.notebook.openByPath(path);
  await page.notebook.runCell(0, true);
  await expect(counterIn(page)).toHaveText('count 0');
  await page.notebook.save();
  return path;
}
