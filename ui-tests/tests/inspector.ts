/**
 * Helpers of the Comm Inspector specs: open the panel as a user does, open an example notebook
 * and run it, and measure what the panel clips.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { REPO, runFromPalette } from './helpers';
import { runAll } from './runall';

/** Opens the inspector (from the command palette, as a user would) and returns its panel. */
export async function openInspector(
  page: IJupyterLabPageFixture
): Promise<Locator> {
  // The palette shortcut is not handled while a cell editor has the focus.
  await page
    .locator('.jp-Notebook')
    .first()
    .click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('Escape');
  await runFromPalette(page, 'Show Comm Inspector');
  const panel = page.locator('#ipycomm-inspector');
  await expect(panel).toBeVisible();
  return panel;
}

export const rows = (panel: Locator): Locator =>
  panel.locator('tr[data-comm-id]');

/** Uploads examples/`name` into `dir`, opens it and runs all its cells. */
export async function runExample(
  page: IJupyterLabPageFixture,
  dir: string,
  name: string
): Promise<void> {
  await page.contents.uploadContent(
    fs.readFileSync(path.join(REPO, 'examples', name), 'utf-8'),
    'text',
    `${dir}/${name}`
  );
  await page.notebook.openByPath(`${dir}/${name}`);
  await page.notebook.activate(name);
  await runAll(page);
}

/**
 * What the panel clips: each table cell whose content is wider than the cell, and the panel
 * itself when its content is wider than it (a horizontal scrollbar). Empty when nothing is.
 */
export function clipped(panel: Locator): Promise<string[]> {
  return panel.evaluate((node: HTMLElement) => {
    const found: string[] = [];
    for (const cell of node.querySelectorAll<HTMLElement>('th, td')) {
      if (cell.scrollWidth > cell.clientWidth + 1) {
        found.push(
          `${cell.textContent}: ${cell.scrollWidth} > ${cell.clientWidth}`
        );
      }
    }
    for (const table of node.querySelectorAll<HTMLElement>('table')) {
      if (table.scrollWidth > node.clientWidth) {
        found.push(`table ${table.getAttribute('aria-label')} too wide`);
      }
    }
    if (node.scrollWidth > node.clientWidth + 1) {
      found.push(`panel: ${node.scrollWidth} > ${node.clientWidth}`);
    }
    return found;
  });
}

/** The number a traffic line starts with ("→ 12 · 1.2 kB" gives 12). */
export async function countIn(line: Locator): Promise<number> {
  const text = (await line.textContent()) ?? '';
  const match = text.match(/(\d+) ·/);
  return match ? Number(match[1]) : -1;
}
