/**
 * The same slider works in Jupyter Notebook 7.
 */
import { expect, test } from '@jupyterlab/galata';
import { SEED_SLIDER } from './helpers';

function notebookJson(sources: string[]): string {
  const cells = sources.map(source => ({
    cell_type: 'code',
    execution_count: null,
    metadata: {},
    outputs: [],
    source
  }));
  const metadata = { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } };
  return JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: 5 });
}

test('the seed slider renders and reaches the kernel in Notebook 7', async ({
  page,
  baseURL,
  tmpPath
}) => {
  await page.contents.uploadContent(
    notebookJson([SEED_SLIDER, 'print(slider.value)']),
    'text',
    `${tmpPath}/nb7.ipynb`
  );
  await page.goto(`${baseURL}/notebooks/${tmpPath}/nb7.ipynb`);
  const cells = page.locator('.jp-Notebook .jp-CodeCell');
  await expect(cells).toHaveCount(2);

  await cells.nth(0).locator('.cm-content').click();
  await page.keyboard.press('Shift+Enter');
  const slider = cells.nth(0).locator('.jp-ipycomm-view').first().getByRole('slider');
  await expect(slider).toHaveAttribute('aria-valuenow', '128', { timeout: 60000 });
  await slider.focus();
  await page.keyboard.press('End');
  await expect(slider).toHaveAttribute('aria-valuenow', '255');

  const printed = cells.nth(1).locator('.jp-OutputArea-output');
  await expect
    .poll(
      async () => {
        await cells.nth(1).locator('.cm-content').click();
        await page.keyboard.press('Control+Enter');
        return (await printed.textContent())?.trim();
      },
      { timeout: 30000 }
    )
    .toBe('255');
});
