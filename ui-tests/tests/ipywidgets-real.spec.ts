/**
 * ipywidgets 8 as a user meets it, on a kernel whose comm layer is ipycomm (switched on at
 * kernel start-up; no notebook here imports ipycomm): a slider dragged with the mouse and
 * pushed from the kernel, `interact`, a Button's on_click, the Output widget capturing right
 * after a burst of updates, and a 20,000-update push that must neither lose the final value
 * nor trip jupyter_server's iopub rate limit.
 */
import { expect, test } from '@jupyterlab/galata';
import {
  expectIpycommKernel,
  expectKernel,
  kernelPrint,
  mouseDrag,
  runCell,
  runNewCell,
  setSource
} from './helpers';

/** A new notebook whose first cell runs `source` (which displays widgets); returns that cell. */
async function widgetCell(
  page: Parameters<typeof setSource>[0],
  name: string,
  source: string
) {
  await page.notebook.createNew(name);
  await setSource(page, 0, source);
  await page.notebook.runCell(0, true);
  return (await page.notebook.getCellLocator(0))!;
}

test.describe('ipywidgets on ipycomm', () => {
  test('an IntSlider dragged with the mouse reaches the kernel, and a kernel push moves it', async ({
    page
  }) => {
    const cell = await widgetCell(
      page,
      'drag.ipynb',
      'import ipywidgets as w\ns = w.IntSlider(min=0, max=100)\ns'
    );
    const handle = cell.locator('.widget-slider .noUi-handle');
    const readout = cell.locator('.widget-slider .widget-readout');
    await expect(handle).toBeVisible({ timeout: 30000 });
    await expect(readout).toHaveText('0');
    await expectIpycommKernel(page);

    const track = cell.locator('.widget-slider .noUi-target');
    const width = (await track.boundingBox())!.width;
    await mouseDrag(page, handle, width / 2, 0, { steps: 20 });
    // The drag moved the view; the kernel ends with exactly what the view shows.
    await expect
      .poll(async () => Number(await readout.textContent()), { timeout: 30000 })
      .toBeGreaterThan(20);
    const dragged = (await readout.textContent())!.trim();
    const probe = await expectKernel(page, 's.value', dragged);

    await runCell(page, probe, 's.value = 7');
    await expect(readout).toHaveText('7', { timeout: 30000 });
    await expect(handle).toHaveAttribute('aria-valuenow', /^7(\.0+)?$/);
    await expectKernel(page, 's.value', '7', probe);
  });

  test('interact: moving its slider re-runs the function and updates its output', async ({
    page
  }) => {
    const cell = await widgetCell(
      page,
      'interact.ipynb',
      [
        'from ipywidgets import interact',
        'calls = []',
        '@interact(x=(0, 10))',
        'def square(x=5):',
        '    calls.append(x)',
        "    print(f'square({x}) = {x * x}')"
      ].join('\n')
    );
    const output = cell.locator('.widget-interact .widget-output');
    await expect(output).toHaveText('square(5) = 25', { timeout: 30000 });
    await expectIpycommKernel(page);

    const handle = cell.locator('.widget-interact .noUi-handle');
    await handle.focus();
    await page.keyboard.press('ArrowRight');
    await expect(output).toHaveText('square(6) = 36', { timeout: 30000 });
    await page.keyboard.press('ArrowRight');
    await expect(output).toHaveText('square(7) = 49', { timeout: 30000 });
    // The kernel ran the function once per value, and the output shows only the last run.
    await expectKernel(page, 'calls', '[5, 6, 7]');
  });

  test('a Button click runs the Python on_click callback, which updates a Label', async ({
    page
  }) => {
    const cell = await widgetCell(
      page,
      'button.ipynb',
      [
        'import ipywidgets as w',
        "button = w.Button(description='Press me')",
        "label = w.Label('clicks: 0')",
        'clicks = []',
        'def pressed(b):',
        '    clicks.append(b.description)',
        "    label.value = f'clicks: {len(clicks)}'",
        'button.on_click(pressed)',
        'w.VBox([button, label])'
      ].join('\n')
    );
    const button = cell.getByRole('button', { name: 'Press me' });
    const label = cell.locator('.widget-label');
    await expect(label).toHaveText('clicks: 0', { timeout: 30000 });
    await expectIpycommKernel(page);

    await button.click();
    await expect(label).toHaveText('clicks: 1', { timeout: 30000 });
    await button.click();
    await expect(label).toHaveText('clicks: 2', { timeout: 30000 });
    await expectKernel(page, 'clicks', "['Press me', 'Press me']");
  });

  test('the Output widget captures a print that follows a burst of 5,000 slider updates', async ({
    page
  }) => {
    test.setTimeout(240000);
    const cell = await widgetCell(
      page,
      'capture.ipynb',
      'import ipywidgets as w\nslider = w.IntSlider(max=255)\nout = w.Output()\ndisplay(slider, out)'
    );
    const readout = cell.locator('.widget-slider .widget-readout');
    const captured = cell.locator('.widget-output');
    await expect(readout).toHaveText('0', { timeout: 30000 });
    await expect(captured).toHaveCount(1);

    const burst = await runNewCell(
      page,
      [
        'for i in range(5000):',
        '    slider.value = i % 256',
        'with out:',
        "    print('captured-marker')"
      ].join('\n')
    );
    // The print was made inside `with out:`, so it belongs in the Output widget's view...
    await expect(captured).toContainText('captured-marker', {
      timeout: 120000
    });
    await expect(readout).toHaveText(String(4999 % 256), { timeout: 120000 });
    // ...and not in the output area of the cell that ran it.
    const burstOutput = (await page.notebook.getCellTextOutput(burst)) ?? [];
    expect(burstOutput.join('\n')).not.toContain('captured-marker');
    await expect(
      captured.locator('.jp-OutputArea-output', { hasText: 'captured-marker' })
    ).toHaveCount(1);
    await expectIpycommKernel(page);
  });

  test('a push of 20,000 slider updates ends at the last value, in order with the print after it', async ({
    page
  }) => {
    test.setTimeout(300000);
    const cell = await widgetCell(
      page,
      'push20k.ipynb',
      'import ipywidgets as w\nslider = w.IntSlider(max=255)\nslider'
    );
    const readout = cell.locator('.widget-slider .widget-readout');
    await expect(readout).toHaveText('0', { timeout: 30000 });
    await expectIpycommKernel(page);

    // Record what the slider shows at the moment the print shows up: output sent after the
    // updates must not overtake them (an ordering check, read in the same DOM mutation).
    await page.evaluate(() => {
      const w = window as any;
      w.ipycommSeenAtPrint = null;
      const slider = document.querySelector(
        '.jp-Notebook .jp-Cell .widget-slider .widget-readout'
      )!;
      const observer = new MutationObserver(() => {
        const outputs = document.querySelectorAll(
          '.jp-Notebook .jp-Cell .jp-OutputArea-output'
        );
        for (const output of Array.from(outputs)) {
          if (output.textContent?.includes('pushed')) {
            w.ipycommSeenAtPrint = slider.textContent;
            observer.disconnect();
            return;
          }
        }
      });
      observer.observe(document.querySelector('.jp-Notebook')!, {
        childList: true,
        subtree: true,
        characterData: true
      });
    });

    const push = await runNewCell(
      page,
      [
        'for i in range(20000):',
        '    slider.value = i % 256',
        'slider.value = 77',
        "print('pushed')"
      ].join('\n'),
      false
    );
    const pushCell = (await page.notebook.getCellLocator(push))!;
    await expect(pushCell.locator('.jp-OutputArea-output')).toContainText(
      'pushed',
      { timeout: 180000 }
    );
    await expect(readout).toHaveText('77', { timeout: 180000 });
    await expect(page.getByText('IOPub message rate exceeded')).toHaveCount(0);
    expect(
      await page.evaluate(() => (window as any).ipycommSeenAtPrint),
      'what the slider showed when the print appeared'
    ).toBe('77');
    const probe = await runNewCell(page, 'pass');
    expect(await kernelPrint(page, probe, 'slider.value')).toBe('77');
    await expect(page.getByText('IOPub message rate exceeded')).toHaveCount(0);
  });
});
