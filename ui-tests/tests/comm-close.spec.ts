/**
 * A comm that the page closes is closed in the kernel, every time, with comms over subshells
 * (JupyterLab's default, `commsOverSubshells: perCommTarget`) and without. With subshells,
 * JupyterLab sends the comm_close to the comm's subshell and deletes that subshell at once,
 * and the close could die with it (jupyterlab#19722); ipycomm's page holds the delete until
 * the kernel has handled the close.
 *
 * No fixed waits: with subshells, each round waits for the kernel's reply to the delete (after
 * it, the subshell handles nothing more, so whatever the close did is final); without, for the
 * close's own idle. Then the kernel's comm_info says whether the comm is still open.
 */
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import { runNewCell } from './helpers';

const TARGET = 'close_probe';
const ROUNDS = 20;

interface IRound {
  commId: string;
  /** The subshell the close went to; null on the main shell. */
  subshell: string | null;
  /** The comm is still in the kernel's comm_info after the close. */
  alive: boolean;
}

/** A kernel target that accepts comms and does nothing else. */
async function registerProbeTarget(
  page: IJupyterLabPageFixture
): Promise<void> {
  const cell = await runNewCell(
    page,
    [
      `get_ipython().kernel.comm_manager.register_target('${TARGET}', lambda comm, msg: None)`,
      "print('registered')"
    ].join('\n')
  );
  const output = (await page.notebook.getCellTextOutput(cell)) ?? [];
  expect(output.join('').trim()).toBe('registered');
}

/** The current notebook's kernel connection's comm settings, once they are `mode`. */
async function expectSubshellMode(
  page: IJupyterLabPageFixture,
  mode: string
): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(() => {
        const kernel = (window as any).jupyterapp.shell.currentWidget
          .sessionContext.session.kernel;
        return `${kernel.commsOverSubshells} ${kernel.supportsSubshells}`;
      })
    )
    .toBe(`${mode} true`);
}

/**
 * Opens a comm from the page, closes it from the page, waits until the close is final, and
 * asks the kernel whether the comm is still open.
 */
function openAndClose(page: IJupyterLabPageFixture): Promise<IRound> {
  return page.evaluate(async target => {
    const kernel = (window as any).jupyterapp.shell.currentWidget.sessionContext
      .session.kernel;
    const comm = kernel.createComm(target);
    await comm.open({}).done;
    if (kernel.commsOverSubshells !== 'disabled') {
      await comm.subshellStarted;
    }
    const subshell: string | null = comm.subshellId;
    // The kernel's reply to the delete of the comm's subshell.
    const deleted = new Promise<void>(resolve => {
      let request = '';
      const watch = (_: unknown, { msg, direction }: any) => {
        const type = msg.header.msg_type;
        if (
          direction === 'send' &&
          type === 'delete_subshell_request' &&
          msg.content.subshell_id === subshell
        ) {
          request = msg.header.msg_id;
        } else if (
          direction === 'recv' &&
          type === 'delete_subshell_reply' &&
          msg.parent_header.msg_id === request
        ) {
          kernel.anyMessage.disconnect(watch);
          resolve();
        }
      };
      kernel.anyMessage.connect(watch);
    });
    const closed = comm.close();
    await (subshell ? deleted : closed.done);
    const reply = await kernel.requestCommInfo({ target_name: target });
    return {
      commId: comm.commId,
      subshell,
      alive: comm.commId in reply.content.comms
    };
  }, TARGET);
}

/** Runs the rounds and returns them; the caller asserts, so a failure shows how many failed. */
async function rounds(page: IJupyterLabPageFixture): Promise<IRound[]> {
  const done: IRound[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    done.push(await openAndClose(page));
  }
  return done;
}

/** Console errors about comm handling (a close for a comm the page no longer has, say). */
function commErrors(page: IJupyterLabPageFixture): string[] {
  const errors: string[] = [];
  page.on('console', message => {
    if (message.type() === 'error' && /comm/i.test(message.text())) {
      errors.push(message.text());
    }
  });
  return errors;
}

test.describe('comm close with subshells on (JupyterLab default)', () => {
  test(`a comm closed from the page is gone from the kernel, ${ROUNDS} times in a row`, async ({
    page
  }) => {
    const errors = commErrors(page);
    await page.notebook.createNew('close-subshells.ipynb');
    await registerProbeTarget(page);
    await expectSubshellMode(page, 'perCommTarget');
    const done = await rounds(page);
    expect(done.filter(round => !round.subshell)).toEqual([]);
    expect(done.filter(round => round.alive)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

test.describe('comm close with subshells off', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      '@jupyterlab/apputils-extension:kernels-settings': {
        commsOverSubshells: 'disabled'
      }
    }
  });

  test('a comm closed from the page is gone from the kernel', async ({
    page
  }) => {
    const errors = commErrors(page);
    await page.notebook.createNew('close-main-shell.ipynb');
    await registerProbeTarget(page);
    await expectSubshellMode(page, 'disabled');
    const round = await openAndClose(page);
    expect(round.subshell).toBeNull();
    expect(round.alive).toBe(false);
    expect(errors).toEqual([]);
  });
});
