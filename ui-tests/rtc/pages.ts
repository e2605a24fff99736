/**
 * Two users on one notebook and one kernel, for the real-time collaboration specs: the test's
 * own page (user one) and a second browser context (user two) that opens the same notebook.
 */
import { expect, galata, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Browser, Page } from '@playwright/test';
import { notebookJson } from '../tests/helpers';

/** The second user, so the two pages are two collaborators (galata's default is "jovyan"). */
const USER_TWO = {
  identity: {
    username: 'user-two',
    name: 'Two',
    display_name: 'Two',
    initials: 'T2',
    color: 'var(--jp-collaborator-color2)'
  },
  permissions: {}
};

export interface ISecondPageOptions {
  browser: Browser;
  baseURL: string;
  tmpPath: string;
  waitForApplication: (page: Page, helpers: never) => Promise<void>;
}

/**
 * A page in a new browser context. Sessions and kernels are not mocked (galata's mocks list
 * only the sessions a page made itself, so the page would start a second kernel).
 */
export async function secondPage(
  options: ISecondPageOptions
): Promise<IJupyterLabPageFixture> {
  const { page } = await galata.newPage({
    ...options,
    waitForApplication: options.waitForApplication as never,
    mockKernels: false,
    mockSessions: false,
    mockUser: USER_TWO as never
  });
  return page;
}

/** Uploads a notebook of `sources` to `path` and opens it in `page`. */
export async function openNew(
  page: IJupyterLabPageFixture,
  path: string,
  sources: string[]
): Promise<void> {
  await page.contents.uploadContent(notebookJson(sources), 'text', path);
  await page.notebook.openByPath(path);
}

/** The id of the kernel behind the current notebook of `page`. */
export function kernelId(
  page: IJupyterLabPageFixture
): Promise<string | undefined> {
  return page.evaluate(
    () =>
      (window as any).jupyterapp.shell.currentWidget?.sessionContext?.session
        ?.kernel?.id
  );
}

/** Opens `path` in `two` and checks that it joined the kernel of `one`. */
export async function join(
  one: IJupyterLabPageFixture,
  two: IJupyterLabPageFixture,
  path: string
): Promise<void> {
  await two.notebook.openByPath(path);
  await expect.poll(() => kernelId(two)).toBe(await kernelId(one));
}

/** Runs `code` on the notebook's kernel, as a console would: no cell, no notebook change. */
export function execute(
  page: IJupyterLabPageFixture,
  code: string
): Promise<void> {
  return page.evaluate(async source => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    await panel.sessionContext.session.kernel.requestExecute({ code: source })
      .done;
  }, code);
}

/**
 * Starts counting, in `page`, whether the notebook became modified and which changes this
 * page made to the shared document: to its notebook content, and to ipycomm's state map.
 */
export function watchDocument(page: IJupyterLabPageFixture): Promise<void> {
  return page.evaluate(() => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    const model = panel.context.model;
    const ydoc = model.sharedModel.ydoc;
    const map = ydoc.getMap('ipycomm:states');
    const seen = { dirty: model.dirty, content: 0, states: 0 };
    (window as any).__ipycommDoc = seen;
    model.stateChanged.connect((_: unknown, change: { name: string }) => {
      seen.dirty = seen.dirty || (change.name === 'dirty' && model.dirty);
    });
    ydoc.on('afterTransaction', (tr: any) => {
      if (tr.local) {
        const types = [...tr.changed.keys()];
        if (types.some((type: unknown) => type !== map)) {
          seen.content += 1;
        } else if (types.length) {
          seen.states += 1;
        }
      }
    });
  });
}

/** What watchDocument saw so far. */
export function documentSeen(
  page: IJupyterLabPageFixture
): Promise<{ dirty: boolean; content: number; states: number }> {
  return page.evaluate(() => (window as any).__ipycommDoc);
}

/** Shuts every kernel down: kernels are not mocked here, so galata does not. */
export async function shutdownKernels(
  page: IJupyterLabPageFixture
): Promise<void> {
  const kernels = await (await page.request.get('/api/kernels')).json();
  for (const { id } of kernels) {
    await page.request.delete(`/api/kernels/${id}`);
  }
}
