/**
 * examples/06_synced_state.ipynb as a user tries it: Run All, open it in a second page, draw
 * in both; the kernel keeps every stroke, and both pages draw them all.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { expectKernel, REPO, runCell } from './helpers';
import { runAll } from './runall';

const NAME = '06_synced_state.ipynb';

const canvasIn = (page: Page) =>
  page.locator('.jp-ipycomm-view canvas').first();

/** The canvas's box once it has stopped moving (views above it may still be rendering). */
async function settledBox(
  page: Page
): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = '';
  let box = (await canvasIn(page).boundingBox())!;
  await expect
    .poll(async () => {
      await canvasIn(page).scrollIntoViewIfNeeded();
      box = (await canvasIn(page).boundingBox())!;
      const seen = last;
      last = JSON.stringify(box);
      return last === seen;
    })
    .toBe(true);
  return box;
}

/** Draws a short stroke across the canvas, `dy` pixels from its top. */
async function stroke(page: Page, dy: number): Promise<void> {
  const box = await settledBox(page);
  await page.mouse.move(box.x + 20, box.y + dy);
  await page.mouse.down();
  for (let x = 40; x <= 200; x += 40) {
    await page.mouse.move(box.x + x, box.y + dy);
  }
  await page.mouse.up();
}

/** Whether the page's canvas has ink within 4 pixels of (x, y). */
const inkedNear = (page: Page, x: number, y: number): Promise<boolean> =>
  canvasIn(page).evaluate(
    (canvas: HTMLCanvasElement, [cx, cy]) => {
      const { data } = canvas
        .getContext('2d')!
        .getImageData(cx - 4, cy - 4, 9, 9);
      return data.some((value, i) => i % 4 === 3 && value > 0);
    },
    [x, y]
  );

test('strokes drawn in two pages are all kept by the kernel and drawn in both', async ({
  page,
  tmpPath
}) => {
  const file = `${tmpPath}/${NAME}`;
  await page.contents.uploadContent(
    fs.readFileSync(path.join(REPO, 'examples', NAME), 'utf-8'),
    'text',
    file
  );
  await page.notebook.openByPath(file);
  await page.notebook.activate(NAME);
  await runAll(page);
  await page.notebook.save();
  const other = await page.context().newPage();
  await other.goto(`${new URL(page.url()).origin}/lab/tree/${file}`);
  await expect(canvasIn(other)).toBeVisible({ timeout: 60000 });
  await stroke(other, 50);
  await page.bringToFront();
  await stroke(page as unknown as Page, 120);
  const probe = await expectKernel(page, "len(sketch.state['order'])", '2');
  // A point from the middle of each stroke, as the kernel keeps it (canvas coordinates).
  const points = JSON.parse(
    await runCell(
      page,
      probe,
      "import json; print(json.dumps([sketch.state[k][2] for k in sketch.state['order']]))"
    )
  ) as [number, number][];
  expect(points).toHaveLength(2);
  for (const p of [page as unknown as Page, other]) {
    for (const [x, y] of points) {
      await expect.poll(() => inkedNear(p, x, y)).toBe(true);
    }
  }
  await other.close();
});
