/**
 * The kernel's busy/idle around comm requests in the page (src/kernel/commstatus.ts): a comm
 * handler that runs long shows the kernel busy until it ends, and a cell still does.
 */
import { expect, test } from '@jupyterlab/galata';
import { runNewCell } from './helpers';

const SLOW_TARGET = `
import time, comm
def _slow(c, _open):
    def on_msg(m):
        time.sleep(m['content']['data']['seconds'])
        c.send({'done': True})
    c.on_msg(on_msg)
comm.get_comm_manager().register_target('slow_status', _slow)
`;

/** The connection's status changes while one message on a 'slow_status' comm is handled. */
async function statusesAroundSlowMessage(page: any, seconds: number) {
  return page.evaluate(async (s: number) => {
    const kernel = (window as any).jupyterapp.shell.currentWidget.sessionContext
      .session.kernel;
    const idle = async () => {
      while (kernel.status !== 'idle') {
        await new Promise(resolve => setTimeout(resolve, 20));
      }
    };
    const comm = kernel.createComm('slow_status');
    await comm.open({}).done;
    let onReply = () => {};
    comm.onMsg = () => onReply();
    const roundTrip = async (seconds: number) => {
      const replied = new Promise<void>(resolve => (onReply = resolve));
      const done = comm.send({ seconds }).done;
      await replied;
      await done;
      // The idle reaches the connection's status after the request's future is done.
      await idle();
    };
    // A first message waits for JupyterLab's subshell for the comm; once it is answered and
    // the kernel shows idle, no status of that subshell request is left to come.
    await roundTrip(0);
    const seen: string[] = [];
    const record = (_: unknown, status: string) => seen.push(status);
    kernel.statusChanged.connect(record);
    comm.onMsg = () => {
      seen.push('reply');
      onReply();
    };
    await roundTrip(s);
    kernel.statusChanged.disconnect(record);
    comm.close();
    return { seen, after: kernel.status };
  }, seconds);
}

test('a comm handler that runs long shows the kernel busy until it ends @matrix', async ({
  page
}) => {
  await page.notebook.createNew('status.ipynb');
  await runNewCell(page, SLOW_TARGET);
  const { seen, after } = await statusesAroundSlowMessage(page, 2);
  expect(seen).toEqual(['busy', 'reply', 'idle']);
  expect(after).toBe('idle');
});

test('a cell still shows the kernel busy while it runs', async ({ page }) => {
  await page.notebook.createNew('status-cell.ipynb');
  await runNewCell(page, 'import time');
  const seen = await page.evaluate(async () => {
    const context = (window as any).jupyterapp.shell.currentWidget
      .sessionContext;
    const states: string[] = [];
    context.session.kernel.statusChanged.connect((_: unknown, s: string) =>
      states.push(s)
    );
    const future = context.session.kernel.requestExecute({
      code: 'time.sleep(0.5)'
    });
    await future.done;
    // The idle status reaches the connection's status after the request's future is done.
    while (context.session.kernel.status !== 'idle') {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    return states;
  });
  expect(seen).toEqual(['busy', 'idle']);
});
