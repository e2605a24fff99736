/**
 * ipympl (matplotlib's widget backend) on a kernel whose comm layer is ipycomm (no
 * `import ipycomm` in the notebook): `%matplotlib widget` renders a figure, and a pan with the
 * toolbar's pan tool and a mouse drag on the canvas changes the axes' limits in the kernel.
 */
import { expect, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import {
  expectIpycommKernel,
  kernelPrint,
  mouseDrag,
  runNewCell,
  setSource
} from './helpers';

const FIGURE = `%matplotlib widget
import json
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 4))
ax.plot([0, 1, 2, 3, 4], [0, 1, 4, 9, 16], 'o-')
ax.set_xlim(0, 4)
fig.canvas.toolbar_visible = True
fig.canvas.header_visible = False`;

/** The kernel's x limits, as JSON. */
const XLIM = 'json.dumps([float(v) for v in ax.get_xlim()])';

/** How many pixels of `canvas` are painted and not white: 0 until the figure is drawn. */
const inked = (canvas: Locator): Promise<number> =>
  canvas.evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && data[i] + data[i + 1] + data[i + 2] < 600) {
        n++;
      }
    }
    return n;
  });

test('a %matplotlib widget figure renders, and a pan with the mouse moves its x limits in the kernel', async ({
  page
}) => {
  // The first matplotlib import on a fresh machine builds its font cache.
  test.setTimeout(240000);
  await page.notebook.createNew('ipympl.ipynb');
  await setSource(page, 0, FIGURE);
  await page.notebook.runCell(0, true);
  const cell = (await page.notebook.getCellLocator(0))!;
  const figure = cell.locator('.jupyter-matplotlib-figure');
  await expect(figure).toBeVisible({ timeout: 120000 });
  // The image canvas, and the transparent one on top that takes the mouse.
  const canvases = figure.locator('.jupyter-matplotlib-canvas-div canvas');
  await expect(canvases).toHaveCount(2);
  const image = canvases.first();
  await expect
    .poll(() => inked(image), { timeout: 60000 })
    .toBeGreaterThan(500);
  await expectIpycommKernel(page);

  const probe = await runNewCell(page, 'pass');
  const xlim = async (): Promise<number[]> =>
    JSON.parse(await kernelPrint(page, probe, XLIM));
  expect(await xlim()).toEqual([0, 4]);

  const pan = cell.locator('button[title^="Left button pans"]');
  await expect(pan).toBeVisible({ timeout: 30000 });
  await pan.click();
  await expect(pan).toHaveClass(/mod-active/, { timeout: 30000 });
  // Drag the plot to the left: the view moves right, to larger x.
  await mouseDrag(page, canvases.last(), -120, 0, { steps: 15 });
  await expect
    .poll(
      async () => {
        const [low, high] = await xlim();
        return low > 0.1 && high > 4.1 && Math.abs(high - low - 4) < 1e-6;
      },
      { timeout: 60000 }
    )
    .toBe(true);
});
