/**
 * Request/reply on frontend targets, both ways: a running cell waits for the user's answer in
 * the view, or times out when the page is gone; the view's request gets the kernel handler's
 * reply, or its error.
 */
import { expect, test } from '@jupyterlab/galata';
import { setSource, viewsInCell } from './helpers';
import { expectOutput, pyString, startNewCell } from './frontend';

test.describe('frontend target requests', () => {
  test('comm.request from a running cell gets the answer the user gives in the view', async ({
    page
  }) => {
    await page.notebook.createNew('ask.ipynb');
    const askJs = `
export function render({ comm, el }) {
  const question = document.createElement("span");
  const answer = document.createElement("button");
  answer.textContent = "answer";
  comm.onRequest((data) => new Promise((resolve) => {
    question.textContent = data.question;
    answer.onclick = () => resolve({ name: "Ada" });
  }));
  el.append(question, answer);
}
`;
    await setSource(
      page,
      0,
      [
        'import ipycomm',
        `ipycomm.frontend_target('ask', ${pyString(askJs)})`,
        "asker = ipycomm.Comm(target_name='ask')"
      ].join('\n')
    );
    await page.notebook.runCell(0, true);
    const view = (await viewsInCell(page, 0)).first();
    await expect(view.getByRole('button', { name: 'answer' })).toBeVisible();
    const cell = await startNewCell(
      page,
      "print('got', asker.request({'question': 'Your name?'}, timeout=60))"
    );
    await expect(view).toContainText('Your name?');
    await view.getByRole('button', { name: 'answer' }).click();
    await expectOutput(page, cell, "got {'name': 'Ada'}");
  });

  test('comm.request times out when the page that shows the view is gone', async ({
    page,
    tmpPath
  }) => {
    await page.notebook.createNew('gone.ipynb');
    const answerJs = `export function render({ comm, el }) {
  comm.onRequest(() => ({ ok: true }));
  el.textContent = "answers requests";
}`;
    // The kernel asks only once the page is gone: a thread waits for a file the test writes
    // through the server, then records what request() raised in another file.
    await setSource(
      page,
      0,
      [
        'import ipycomm, pathlib, threading, time',
        `ipycomm.frontend_target('answers', ${pyString(answerJs)})`,
        "c = ipycomm.Comm(target_name='answers')",
        "go, out = pathlib.Path('go.txt'), pathlib.Path('result.txt')",
        'def later():',
        '    while not go.exists():',
        '        time.sleep(0.05)',
        '    try:',
        '        out.write_text(repr(c.request({}, timeout=1)))',
        '    except Exception as e:',
        "        out.write_text(f'{type(e).__name__}: {e}')",
        'threading.Thread(target=later, daemon=True).start()'
      ].join('\n')
    );
    await page.notebook.runCell(0, true);
    await expect((await viewsInCell(page, 0)).first()).toContainText(
      'answers requests'
    );
    // Saved first, so leaving the page raises no "unsaved changes" prompt.
    await page.notebook.save();
    const dir = tmpPath;
    // Playwright's own navigation: Galata's page.goto would wait for JupyterLab to be ready.
    await page.evaluate(() => window.location.assign('about:blank'));
    await page.waitForURL('about:blank');
    await page.contents.uploadContent('go', 'text', `${dir}/go.txt`);
    await expect
      .poll(
        async () =>
          (await page.request.get(`/api/contents/${dir}/result.txt`)).ok(),
        { timeout: 30000 }
      )
      .toBe(true);
    const result = await (
      await page.request.get(`/api/contents/${dir}/result.txt`)
    ).json();
    expect(result.content).toMatch(/^TimeoutError: .*answers/);
  });

  test('a request from the browser gets the handler reply, and an error reply when it raises', async ({
    page
  }) => {
    await page.notebook.createNew('reply.ipynb');
    const askJs = `
export function render({ comm, el }) {
  const out = document.createElement("output");
  const ask = (x) => {
    const button = document.createElement("button");
    button.textContent = "ask " + x;
    button.onclick = () =>
      comm.request({ x }).then(
        (reply) => (out.textContent = "got " + reply.data.y),
        (error) => (out.textContent = "failed " + error.name + ": " + error.message)
      );
    return button;
  };
  el.append(ask(2), ask(0), out);
}
`;
    await setSource(
      page,
      0,
      [
        'import ipycomm',
        `ipycomm.frontend_target('tenfold', ${pyString(askJs)})`,
        "c = ipycomm.Comm(target_name='tenfold')",
        "c.on_request(lambda data, buffers: {'y': 10 // data['x'] * data['x'] * 10})"
      ].join('\n')
    );
    await page.notebook.runCell(0, true);
    const view = (await viewsInCell(page, 0)).first();
    await view.getByRole('button', { name: 'ask 2' }).click();
    await expect(view.locator('output')).toHaveText('got 100');
    await view.getByRole('button', { name: 'ask 0' }).click();
    await expect(view.locator('output')).toHaveText(
      'failed ZeroDivisionError: integer division or modulo by zero'
    );
    // The traceback shows under the view too, as for other handler errors.
    await expect(view.locator('.jp-ipycomm-outputs')).toContainText(
      'ZeroDivisionError'
    );
  });
});
