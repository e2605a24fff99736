/**
 * Binary widget state behind a kernel gateway (docs/remote-kernels.md), where stock Jupyter
 * loses every binary buffer on the hop: an ipywidgets Image, small and of 30 MB (chunked), is
 * drawn with the kernel's pixels. Runs in the main suite too, where the kernel is local.
 */
import { expect, test } from '@jupyterlab/galata';
import { runNewCell } from './helpers';

/** An uncompressed PNG of width × height, colour (x % 256, y % 256, 7), as bytes. */
const PNG_PY = `import struct, zlib
import numpy as np
def png(width, height):
    x, y = np.meshgrid(np.arange(width) % 256, np.arange(height) % 256)
    rgb = np.dstack([x, y, np.full_like(x, 7)]).astype(np.uint8)
    rows = np.hstack([np.zeros((height, 1), np.uint8), rgb.reshape(height, -1)])
    def chunk(kind, data):
        body = kind + data
        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))
    header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    return (b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', header)
            + chunk(b'IDAT', zlib.compress(rows.tobytes(), 0)) + chunk(b'IEND', b''))`;

/** The image's natural size and the colour of its pixel (x, y), once it is drawn. */
async function drawn(page: any, x: number, y: number): Promise<unknown> {
  return page.evaluate(
    ([px, py]: number[]) => {
      const img = document.querySelector(
        '.jp-Notebook .widget-image'
      ) as HTMLImageElement | null;
      if (!img || !img.complete || img.naturalWidth === 0) {
        return null;
      }
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d')!;
      context.drawImage(img, 0, 0);
      const [r, g, b] = context.getImageData(px, py, 1, 1).data;
      return { size: [img.naturalWidth, img.naturalHeight], pixel: [r, g, b] };
    },
    [x, y]
  );
}

test.describe('binary widget state', () => {
  for (const [label, width, height] of [
    ['a small', 64, 32],
    ['a 30 MB', 4000, 2500]
  ] as const) {
    test(`${label} ipywidgets Image is drawn with the kernel's pixels`, async ({
      page
    }) => {
      test.setTimeout(180000);
      await page.notebook.createNew('image.ipynb');
      await runNewCell(page, PNG_PY);
      await runNewCell(
        page,
        [
          'import ipywidgets as w',
          `w.Image(value=png(${width}, ${height}), format='png')`
        ].join('\n')
      );
      const x = width - 3;
      const y = height - 5;
      await expect
        .poll(() => drawn(page, x, y), { timeout: 120000 })
        .toEqual({ size: [width, height], pixel: [x % 256, y % 256, 7] });
    });
  }
});
