/**
 * In-page probes for figures that span two pages of one browser (state.bench.ts). Both pages
 * stamp with `performance.timeOrigin + performance.now()`: epoch milliseconds, comparable
 * between pages of one browser up to the offset `clockOffset` estimates.
 */
import type { Page } from '@playwright/test';

/** What a page showed: each new text of a view, with performance.now() when it appeared. */
export interface IShown {
  text: string;
  at: number;
}

/**
 * Init script (runs before the page's own scripts, on every load): records each new text of
 * the synced counter (`counter`) and of the first IntSlider readout (`readout`), from the
 * MutationObserver callback right after the DOM changed, and lets a caller wait for a text.
 */
export function recordShown(): void {
  const w = window as any;
  const seen: Record<string, IShown[]> = { counter: [], readout: [] };
  const waiters: { kind: string; text: string; resolve(at: number): void }[] =
    [];
  const selectors: Record<string, string> = {
    counter: 'button.state-counter',
    readout: '.widget-readout'
  };
  const check = () => {
    for (const kind of Object.keys(selectors)) {
      const el = document.querySelector(selectors[kind]);
      const text = el?.textContent?.trim();
      const list = seen[kind];
      if (!text || list[list.length - 1]?.text === text) {
        continue;
      }
      const at = performance.now();
      list.push({ text, at });
      for (const waiter of waiters.filter(x => x.kind === kind)) {
        if (waiter.text === text) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(performance.timeOrigin + at);
        }
      }
    }
  };
  w.__benchShown = seen;
  // Epoch ms at which view `kind` first showed `text` (now or later).
  w.__benchArrival = (kind: string, text: string) =>
    new Promise<number>(resolve => {
      const found = seen[kind].find(x => x.text === text);
      if (found) {
        resolve(performance.timeOrigin + found.at);
      } else {
        waiters.push({ kind, text, resolve });
      }
    });
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    characterData: true
  });
}

/**
 * When (epoch ms) page `page` first showed `text` in view `kind`; asked again in the new
 * document if the page navigates meanwhile.
 */
export async function arrival(
  page: Page,
  kind: string,
  text: string
): Promise<number> {
  for (;;) {
    try {
      return await page.evaluate(
        ([k, t]) => (window as any).__benchArrival(k, t) as Promise<number>,
        [kind, text]
      );
    } catch (error) {
      if (!String(error).includes('Execution context was destroyed')) {
        throw error;
      }
    }
  }
}

/** The texts view `kind` showed in `page` since its last load, times from navigation start. */
export const shown = (page: Page, kind: string): Promise<IShown[]> =>
  page.evaluate(k => (window as any).__benchShown[k], kind);

/**
 * The clock of `b` minus the clock of `a` (epoch ms as both pages stamp it), NTP-style over a
 * BroadcastChannel: from the exchange with the shortest round trip, which bounds the error.
 */
export async function clockOffset(
  a: Page,
  b: Page,
  exchanges = 20
): Promise<{ offsetMs: number; roundTripMs: number }> {
  await b.evaluate(() => {
    const channel = new BroadcastChannel('bench-clock');
    channel.onmessage = () =>
      channel.postMessage(performance.timeOrigin + performance.now());
    (window as any).__benchClock = channel;
  });
  const result = await a.evaluate(async (n: number) => {
    const channel = new BroadcastChannel('bench-clock');
    let best = { offsetMs: 0, roundTripMs: Infinity };
    for (let i = 0; i < n; i++) {
      const sent = performance.timeOrigin + performance.now();
      const echoed = await new Promise<number>(resolve => {
        channel.onmessage = event => resolve(event.data as number);
        channel.postMessage(null);
      });
      const back = performance.timeOrigin + performance.now();
      if (back - sent < best.roundTripMs) {
        best = {
          offsetMs: echoed - (sent + back) / 2,
          roundTripMs: back - sent
        };
      }
    }
    channel.close();
    return best;
  }, exchanges);
  await b.evaluate(() => (window as any).__benchClock.close());
  return result;
}
