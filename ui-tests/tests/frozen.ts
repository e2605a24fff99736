/**
 * Two pages on one notebook's kernel, the second frozen the way Chromium freezes background
 * tabs (CDP Page.setWebLifecycleState), for the frozen-page spec and benchmark.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { CDPSession, Page } from '@playwright/test';
import { notebookJson } from './helpers';

/** An IntSlider the two pages share. */
export const SLIDER =
  'import ipywidgets as w\ns = w.IntSlider(min=0, max=255, value=0)\ns';

export interface IFrozenPeer {
  /** The second page, frozen. */
  other: Page;
  /** Wakes it up. */
  wake(): Promise<void>;
}

/**
 * Open notebook `path` (the slider, run and saved) in `page`, then in a second page that
 * shows the same slider, freeze the second and bring `page` back to the front.
 */
export async function openFrozenPeer(
  page: IJupyterLabPageFixture,
  path: string,
  timeout = 60000
): Promise<IFrozenPeer> {
  await page.contents.uploadContent(notebookJson([SLIDER]), 'text', path);
  await page.notebook.openByPath(path);
  await page.notebook.runCell(0, true);
  await expect(page.locator('.widget-readout').first()).toHaveText('0');
  await page.notebook.save();

  const other = await page.context().newPage();
  await other.goto(`${new URL(page.url()).origin}/lab/tree/${path}`);
  await expect(other.locator('.widget-readout').first()).toHaveText('0', {
    timeout
  });
  const cdp: CDPSession = await page.context().newCDPSession(other);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  // The page the user works in, with its animation frames (Galata's editing waits on them).
  await page.bringToFront();
  return {
    other,
    wake: async () => {
      await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    }
  };
}
