/**
 * The same slider works in Jupyter Notebook 7.
 */
import { expect, test } from '@jupyterlab/galata';
import { notebookJson, SEED_SLIDER } from './helpers';

test('the seed slider renders and reaches the kernel in Notebook 7 @matrix', async ({
  page,
  baseURL,
  tmpPath
}) => {
  await page.contents.uploadContent(
    notebookJson([SEED_SLIDER, 'print(slider.value)']),
    'text',
    `${tmpPath}/nb7.ipynb`
  );
  // A plain Playwright page: galata's page.goto waits for JupyterLab, not Notebook 7.
  const nb7 = await page.context().newPage();
  await nb7.goto(`${baseURL}/notebooks/${tmpPath}/nb7.ipynb`);
  const cells = nb7.locator('.jp-Notebook .jp-CodeCell');
  await expect(cells).toHaveCount(2);

  // Run the first cell. A keypress that lands before the editor has focus, or while the
  // kernel is still starting, is lost: press again only while the prompt shows the cell has
  // been neither queued (*) nor run (a number), so it never runs twice.
  const prompt = cells.nth(0).locator('.jp-InputPrompt');
  await expect
    .poll(
      async () => {
        if (!/[*\d]/.test((await prompt.textContent()) ?? '')) {
          await cells.nth(0).locator('.cm-content').click();
          await nb7.keyboard.press('Shift+Enter');
        }
        return /[*\d]/.test((await prompt.textContent()) ?? '');
      },
      { timeout: 60000, intervals: [1000, 2000, 4000] }
    )
    .toBe(true);
  const slider = cells
    .nth(0)
    .locator('.jp-ipycomm-view')
    .first()
    .getByRole('slider');
  await expect(slider).toHaveAttribute('aria-valuenow', '128', {
    timeout: 60000
  });
  await slider.focus();
  await nb7.keyboard.press('End');
  await expect(slider).toHaveAttribute('aria-valuenow', '255');

  const printed = cells.nth(1).locator('.jp-OutputArea-output');
  await expect
    .poll(
      async () => {
        await cells.nth(1).locator('.cm-content').click();
        await nb7.keyboard.press('Control+Enter');
        return (await printed.textContent())?.trim();
      },
      { timeout: 30000 }
    )
    .toBe('255');
});
