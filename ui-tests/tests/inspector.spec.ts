/**
 * The Comm Inspector: live comms and their traffic, kernel targets, a filterable, pausable
 * message log with the connection's history, the kernel's credit state, and actions; it fits
 * its default width and survives a kernel restart.
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import {
  expectKernel,
  mouseDrag,
  reloadWith,
  runNewCell,
  seedSlider
} from './helpers';
import { clipped, countIn, openInspector, rows, runExample } from './inspector';

const SLIDER = '03_simple_slider.ipynb';

test.describe('comm inspector on the slider example', () => {
  test('opened after Run All and drags: fits its default width, shows the history, real open times, rising counts and the credit', async ({
    page,
    tmpPath
  }) => {
    await runExample(page, tmpPath, SLIDER);
    const slider = page.getByRole('slider').first();
    for (const dx of [40, -25, 60]) {
      await mouseDrag(page, slider, dx, 0);
    }
    const panel = await openInspector(page);
    const row = rows(panel).filter({ hasText: 'simple_slider' });
    await expect(row).toHaveCount(1);
    // The drags came before the panel: the log has them all the same.
    const log = panel.locator('.jp-ipycomm-inspector-log li');
    await expect(log.filter({ hasText: 'open simple_slider' })).toHaveCount(1);
    await expect(log.filter({ hasText: 'value_change' }).first()).toBeVisible();
    await expect(row.locator('.jp-ipycomm-inspector-opened')).toHaveText(
      /^opened by kernel \d{1,2}:\d{2}:\d{2}/
    );
    await expect(
      row.getByRole('img', { name: /Messages per second/ })
    ).toHaveCount(1);
    // The credit view: this page reads with its window.
    const reader = panel.locator('.jp-ipycomm-inspector-reader', {
      hasText: 'this page'
    });
    await expect(reader).toContainText('256');
    await expect(panel.locator('.jp-ipycomm-inspector-outbox')).toContainText(
      'Outbox:'
    );
    expect(await clipped(panel)).toEqual([]);

    // Counts and bytes rise with the traffic.
    const out = row.locator('.jp-ipycomm-inspector-out');
    const before = await countIn(out);
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => countIn(out)).toBeGreaterThan(before);
    const inbound = row.locator('.jp-ipycomm-inspector-in');
    const inBefore = await countIn(inbound);
    await runNewCell(page, 'slider.set_value(7)');
    await expect.poll(() => countIn(inbound)).toBeGreaterThan(inBefore);
    expect(await clipped(panel)).toEqual([]);

    // The README's screenshot is rewritten only when IPYCOMM_UPDATE_SCREENSHOT is set, so a
    // test run leaves the tree clean.
    if (process.env.IPYCOMM_UPDATE_SCREENSHOT) {
      await page.sidebar.close('left');
      await slider.scrollIntoViewIfNeeded();
      await panel.evaluate(node => node.scrollTo(0, 0));
      await page.screenshot({ path: '../docs/inspector.png' });
    }

    // A message's JSON opens in place.
    const entry = log.filter({ hasText: 'value_change' }).first();
    await entry.locator('summary').click();
    await expect(entry.locator('pre')).toContainText(
      '"action": "value_change"'
    );
  });

  test('a comm opened before the page shows the open time the kernel recorded', async ({
    page,
    tmpPath
  }) => {
    await runExample(page, tmpPath, SLIDER);
    await reloadWith(page, tmpPath, SLIDER);
    const panel = await openInspector(page);
    const opened = rows(panel)
      .filter({ hasText: 'simple_slider' })
      .locator('.jp-ipycomm-inspector-opened');
    // Only the kernel knows it: this page's connection started after the comm opened.
    await expect(opened).toHaveText(
      /^opened by kernel \d{1,2}:\d{2}:\d{2}( [AP]M)?, \d+ (s|min)$/
    );
    expect(await clipped(panel)).toEqual([]);
  });

  test('saves the log as a JSON file', async ({ page, tmpPath }) => {
    await runExample(page, tmpPath, SLIDER);
    const panel = await openInspector(page);
    const downloading = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Save log' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^ipycomm-log-.*\.json$/);
    const body = JSON.parse(fs.readFileSync((await download.path())!, 'utf-8'));
    expect(body.events.map((e: { kind: string }) => e.kind)).toContain('open');
  });
});

test.describe('comm inspector', () => {
  test('lists a new comm within a second and logs, filters, pauses and clears its messages', async ({
    page
  }) => {
    const slider = await seedSlider(page, 'inspector-log.ipynb');
    const panel = await openInspector(page);
    await expect(rows(panel)).toHaveCount(1);
    await expect(rows(panel).first()).toContainText('simple_slider');

    await runNewCell(
      page,
      "from ipycomm import Comm\nc = Comm(target_name='my_widget')\nc.send({'action': 'update', 'value': 7})"
    );
    const row = rows(panel).filter({ hasText: 'my_widget' });
    await expect(row).toBeVisible({ timeout: 1000 });
    await expect(row).toContainText('kernel');
    const log = panel.locator('.jp-ipycomm-inspector-log li');
    await expect(log.filter({ hasText: '"value":7' })).toHaveCount(1);

    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect(log.filter({ hasText: 'value_change' })).toHaveCount(1);
    await expect(
      log.filter({ hasText: 'Slider changed from 128 to 129' })
    ).toHaveCount(1);

    const filter = panel.getByLabel('Filter messages');
    await filter.fill('my_widget');
    await expect(log.filter({ hasText: 'value_change' })).toHaveCount(0);
    await expect(log.filter({ hasText: '"value":7' })).toHaveCount(1);
    await filter.fill('');

    await panel.getByRole('button', { name: 'Pause' }).click();
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect(panel.locator('.jp-ipycomm-inspector-count')).toContainText(
      'missed while paused'
    );
    await expect(log.filter({ hasText: '"value":130' })).toHaveCount(0);
    await panel.getByRole('button', { name: 'Resume' }).click();
    await panel.getByRole('button', { name: 'Clear', exact: true }).click();
    await expect(log).toHaveCount(0);
  });

  test('sends JSON on a comm and closes it', async ({ page }) => {
    await page.notebook.createNew('inspector-send.ipynb');
    const panel = await openInspector(page);
    const index = await runNewCell(
      page,
      [
        'from ipycomm import Comm',
        'got, closed = [], []',
        "c = Comm(target_name='my_widget')",
        "c.on_msg(lambda m: got.append(m['content']['data']))",
        'c.on_close(lambda m: closed.append(True))',
        'print(c.comm_id)'
      ].join('\n')
    );
    // The cell output also holds the comm's view; the printed id is the full 32-digit hex.
    const text = ((await page.notebook.getCellTextOutput(index)) ?? []).join(
      ''
    );
    const commId = text.match(/[0-9a-f]{32}/)![0];
    const row = panel.locator(`tr[data-comm-id="${commId}"]`);
    await expect(row).toBeVisible();
    await panel.getByLabel('Comm to send on').selectOption(commId);
    await panel.getByLabel('JSON message to send').fill('{"action": "ping"}');
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    const probe = await expectKernel(page, 'got', "[{'action': 'ping'}]");
    await expect(row).toContainText('1 ·');

    await row.getByRole('button', { name: 'Close' }).click();
    await expectKernel(page, 'closed', '[True]', probe);
    await expect(row).toHaveCount(0);
  });

  test('lists the kernel targets and opens a comm to one', async ({ page }) => {
    await page.notebook.createNew('inspector-open.ipynb');
    // A first cell waits out the kernel start: on CI the palette did not work right after it.
    await runNewCell(page, 'import ipycomm\nopened = []');
    const panel = await openInspector(page);
    await runNewCell(
      page,
      "get_ipython().kernel.comm_manager.register_target('echo_target', lambda comm, msg: opened.append(msg['content']['data']))"
    );
    await panel.getByRole('button', { name: 'Refresh' }).click();
    const target = panel.locator('.jp-ipycomm-inspector-target', {
      hasText: 'echo_target'
    });
    await expect(target).toBeVisible();
    await target.getByRole('button', { name: 'Use' }).click();
    await panel.getByLabel('JSON data to open with').fill('{"hello": 1}');
    await panel.getByRole('button', { name: 'Open comm' }).click();
    await expectKernel(page, 'opened', "[{'hello': 1}]");
    await expect(rows(panel).filter({ hasText: 'echo_target' })).toContainText(
      'frontend'
    );
  });
});

test.describe('comm inspector and kernel restart', () => {
  // Galata's kernels mock breaks restarts (see lifecycle.spec.ts).
  test.use({ kernels: null });

  test('survives a kernel restart and lists the comms opened after it', async ({
    page
  }) => {
    await seedSlider(page, 'inspector-restart.ipynb');
    const panel = await openInspector(page);
    await expect(rows(panel)).toHaveCount(1);
    await page.menu.clickMenuItem('Kernel>Restart Kernel…');
    await page.locator('.jp-Dialog .jp-mod-accept').click();
    await expect(panel.locator('.jp-ipycomm-inspector-notice')).toContainText(
      'restarted'
    );
    await expect(rows(panel)).toHaveCount(0);
    await page.notebook.runCell(0, true);
    await expect(rows(panel).filter({ hasText: 'simple_slider' })).toHaveCount(
      1
    );
  });
});
