/**
 * Round trips from the page that involve no widget: the floor (`requestKernelInfo()`) and a
 * plain comm echo cut into stages, both paced one per frame or back to back.
 */
import { SIDE } from './common';

/**
 * The floor for any round trip from this page: kernel_info_request, timed like the slider's
 * round trips (one per animation frame, or back to back). No comm is involved, so both
 * sides should match.
 */
export async function kernelInfoRoundTrips(
  page: any,
  count: number,
  paced = true
): Promise<number[]> {
  return page.evaluate(
    async ([n, frame]: [number, boolean]) => {
      const w = window as any;
      const kernel =
        w.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        if (frame) {
          await new Promise(r => requestAnimationFrame(r));
        }
        const start = performance.now();
        await kernel.requestKernelInfo();
        times.push(performance.now() - start);
      }
      return times;
    },
    [count, paced]
  );
}

// A kernel-side target that echoes each message back, registered through the `comm` package:
// the same code runs on ipycomm and on ipykernel's own comm layer.
export const ECHO_TARGET =
  (SIDE === 'ipycomm' ? 'import ipycomm\n' : '') +
  'import comm\n' +
  'def _bench_echo(c, _open):\n' +
  "    c.on_msg(lambda m: c.send(m['content']['data']))\n" +
  "comm.get_comm_manager().register_target('bench_echo', _bench_echo)";

/** One comm echo's stages, in ms (see commEchoes). */
export interface IEchoStages {
  total: number;
  pageOut: number;
  toKernel: number;
  inKernel: number;
  fromKernel: number;
  pageIn: number;
}

/**
 * Comm echoes from the page on a comm it opens: `paced` waits a frame between echoes (a key
 * held down), otherwise each is sent as soon as the last reply arrives (a drag). Each echo is
 * cut into stages by five clocks on one machine: `comm.send` called, the websocket's `send`,
 * the kernel's busy status and reply (their header dates: the kernel starts, then sends), the
 * reply's websocket message event, and the comm's `onMsg`.
 */
export async function commEchoes(
  page: any,
  count: number,
  paced: boolean
): Promise<IEchoStages[]> {
  return page.evaluate(
    async ([n, frame]: [number, boolean]) => {
      const w = window as any;
      const kernel =
        w.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
      const ws: WebSocket = kernel._ws;
      const epoch = () => performance.timeOrigin + performance.now();
      // Kernel dates carry microseconds, which Date.parse drops.
      const kernelDate = (date: string) =>
        Date.parse(date) +
        Number(`0.${date.split('.')[1]?.slice(3, 6) ?? '0'}`);
      let wsSent = 0;
      let wsArrived = 0;
      let busy = 0;
      let parent = '';
      const send = ws.send;
      ws.send = function (this: WebSocket, data: any) {
        wsSent = wsSent || epoch();
        return send.call(this, data);
      };
      const onWsMessage = () => (wsArrived = epoch());
      ws.addEventListener('message', onWsMessage);
      const onStatus = (_: unknown, msg: any) => {
        const state = msg.content.execution_state;
        if (state === 'busy' && msg.parent_header.msg_id === parent) {
          busy = kernelDate(msg.header.date);
        }
      };
      kernel.iopubMessage.connect(onStatus);
      const comm = kernel.createComm('bench_echo');
      let arrived: ((msg: any) => void) | null = null;
      comm.onMsg = (msg: any) => arrived?.(msg);
      await comm.open({}).done;
      const stages: IEchoStages[] = [];
      for (let i = 0; i < n; i++) {
        if (frame) {
          await new Promise(r => requestAnimationFrame(r));
        }
        const reply = new Promise<any>(r => (arrived = r));
        wsSent = 0;
        const start = epoch();
        parent = comm.send({ i }).msg.header.msg_id;
        const msg = await reply;
        const end = epoch();
        const sent = kernelDate(msg.header.date);
        stages.push({
          total: end - start,
          pageOut: wsSent - start,
          toKernel: busy - wsSent,
          inKernel: sent - busy,
          fromKernel: wsArrived - sent,
          pageIn: end - wsArrived
        });
      }
      ws.send = send;
      ws.removeEventListener('message', onWsMessage);
      kernel.iopubMessage.disconnect(onStatus);
      // Not awaited: JupyterLab 4.6 deletes the comm's subshell right after sending
      // comm_close, and the kernel can drop the close with it, so its idle may never come.
      comm.close();
      return stages;
    },
    [count, paced]
  );
}
