/**
 * A widget whose comm_open is over the chunk size (docs/chunking.md §2): an ipywidgets Image
 * opened with a 30 MB value. The kernel sends its comm_open in chunks, the page hands
 * ipywidgets one ordinary comm_open, and the image shows every byte.
 */
import { expect, test } from '@jupyterlab/galata';
import { runNewCell } from './helpers';
import { MB, PAYLOAD_PY } from './large';

test('an ipywidgets Image opened with a 30 MB value comes in chunks and shows whole', async ({
  page
}) => {
  await page.notebook.createNew('big-image.ipynb');
  await runNewCell(page, PAYLOAD_PY); // the kernel is up
  await page.evaluate(() => {
    const w = window as any;
    const kernel =
      w.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    // What came over the websocket, before the page's chunk layer joins it.
    w.chunksSeen = [];
    kernel.anyMessage.connect((_: unknown, { msg, direction }: any) => {
      if (direction === 'recv' && msg.content?.data?.ipycomm_chunk) {
        w.chunksSeen.push(msg.header.msg_type);
      }
    });
  });
  await runNewCell(
    page,
    [
      'import ipywidgets as w',
      `image = w.Image(value=bytes(payload(${30 * MB})), format='png')`,
      'image'
    ].join('\n')
  );
  // The view's <img> shows a blob of the image's bytes.
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const img = document.querySelector<HTMLImageElement>(
            '.jp-OutputArea-output img.widget-image'
          );
          if (!img?.src.startsWith('blob:')) {
            return 0;
          }
          return (await (await fetch(img.src)).blob()).size;
        }),
      { timeout: 120000 }
    )
    .toBe(30 * MB);
  const seen: string[] = await page.evaluate(() => (window as any).chunksSeen);
  expect(seen.length).toBeGreaterThan(1);
  expect(seen[seen.length - 1]).toBe('comm_open');
  expect(new Set(seen.slice(0, -1))).toEqual(new Set(['comm_msg']));
});
