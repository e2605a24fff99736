/**
 * The JupyterLab under test has every private ipycomm uses (src/compat/jupyterlab.ts,
 * docs/compat.md): once a kernel connection is up, no feature reports itself off.
 */
import { expect, test } from '@jupyterlab/galata';
import { expectIpycommKernel } from './helpers';

test('no ipycomm feature is off in this JupyterLab @matrix', async ({
  page
}) => {
  const off: string[] = [];
  page.on('console', message => {
    if (/^ipycomm: .* is off \(/.test(message.text())) {
      off.push(message.text());
    }
  });
  await page.reload();
  await expect(page.locator('.jp-LabShell')).toBeVisible();
  await page.notebook.createNew('compat.ipynb');
  // The kernel connection is checked when ipycomm registers its targets on it.
  await expectIpycommKernel(page);
  expect(off).toEqual([]);
});
