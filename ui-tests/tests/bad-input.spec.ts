/**
 * Bad messages from the kernel show a clear inline error on the view; nothing throws uncaught,
 * and other comms carry on.
 */
import { expect, test } from '@jupyterlab/galata';
import { expectKernel, runNewCell, seedSlider, viewsInCell } from './helpers';

const CASES: [string, string][] = [
  [
    'unknown action',
    "c.send({'action': 'create', 'config': {'min': 0, 'max': 9, 'value': 1}})\nc.send({'action': 'explode'})"
  ],
  ['create without a config', "c.send({'action': 'create'})"],
  [
    'min greater than max',
    "c.send({'action': 'create', 'config': {'min': 10, 'max': 0, 'value': 5}})"
  ],
  [
    'a value that is not a number',
    "c.send({'action': 'create', 'config': {'min': 0, 'max': 9, 'value': 1}})\nc.send({'action': 'update_value', 'value': 'high'})"
  ],
  ['a message before create', "c.send({'action': 'update_value', 'value': 3})"]
];

test('each bad message from the kernel shows an inline error and others carry on', async ({
  page
}) => {
  const uncaught: string[] = [];
  page.on('pageerror', error => uncaught.push(error.message));
  const good = await seedSlider(page, 'bad.ipynb');
  for (const [name, code] of CASES) {
    const index = await runNewCell(
      page,
      `c = Comm(target_name='simple_slider')\n${code}`
    );
    const error = (await viewsInCell(page, index))
      .first()
      .locator('.jp-ipycomm-error');
    await expect(error, name).toBeVisible();
    await expect(error, name).not.toHaveText('');
  }
  await good.focus();
  await page.keyboard.press('ArrowRight');
  await expectKernel(page, 'slider.value', '129');
  expect(uncaught).toEqual([]);
});
