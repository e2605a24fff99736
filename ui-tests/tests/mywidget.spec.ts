/**
 * The my_widget comm, both ways round: a comm the kernel opens (seed example 1) and a comm the
 * browser opens to a kernel target from the command palette (seed example 2).
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import {
  expectKernel,
  REPO,
  runFromPalette,
  runNewCell,
  setSource,
  viewsInCell
} from './helpers';

// The seed's first two examples, the same files the kernel tests run.
const seed = (name: string) =>
  fs.readFileSync(path.join(REPO, 'tests', name), 'utf-8');
const ECHO = seed('seed_echo.py');
const TARGET = seed('seed_target.py');

test('a kernel-opened my_widget shows messages as text, sends JSON and closes', async ({
  page
}) => {
  await page.notebook.createNew('echo.ipynb');
  await setSource(page, 0, ECHO);
  await page.notebook.runCell(0, true);
  const view = (await viewsInCell(page, 0)).first();
  const log = view.locator('.jp-ipycomm-log-entry');
  await expect(log.first()).toContainText('"update"');

  const box = view.locator('textarea');
  await box.fill('{"hello": "<b>kernel</b>"}');
  await view.getByRole('button', { name: 'Send' }).click();
  await expect(log.last()).toContainText('"echo"');
  await expect(log.last()).toContainText('<b>kernel</b>');
  await expect(view.locator('b')).toHaveCount(0);

  await box.fill('{not json');
  await view.getByRole('button', { name: 'Send' }).click();
  await expect(view.locator('.jp-ipycomm-input-error')).toBeVisible();
  await expect(log).toHaveCount(2);

  await view.getByRole('button', { name: 'Close' }).click();
  await expect(view.locator('.jp-ipycomm-status')).toContainText(
    'Not connected'
  );
  await expectKernel(page, 'comm.closed', 'True');
});

test('the command palette opens a comm to a kernel target and shows its replies', async ({
  page
}) => {
  await page.notebook.createNew('target.ipynb');
  await setSource(page, 0, TARGET);
  await page.notebook.runCell(0, true);

  await runFromPalette(page, 'Open comm to kernel target');
  await expect(page.locator('.jp-Dialog input')).toHaveValue('my_widget');
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await page.locator('.jp-Dialog .jp-mod-accept').click();

  const view = page.locator('.jp-ipycomm-mywidget');
  const log = view.locator('.jp-ipycomm-log-entry');
  await expect(log.first()).toContainText('"initialized"');
  await view.locator('textarea').fill('{"action": "get_state"}');
  await view.getByRole('button', { name: 'Send' }).click();
  await expect(log.last()).toContainText('"enabled":true');
  await view.locator('textarea').fill('{"action": "set_value", "value": 7}');
  await view.getByRole('button', { name: 'Send' }).click();
  await expect(log.last()).toContainText('"value_updated"');
  await page.notebook.activate('target.ipynb');
  await runNewCell(page, 'print(len(comm_manager.comms))');
  await expectKernel(page, 'len(comm_manager.comms)', '1');
});
