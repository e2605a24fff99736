import type { KernelMessage } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import {
  COMM_REQUESTS,
  SHOW_BUSY_AFTER_MS,
  showSlowCommRequests,
  untrackCommStatuses
} from '../../kernel/commstatus';

class StatusKernel {
  current: KernelMessage.Status = 'idle';
  iopubMessage = new Signal<this, KernelMessage.IIOPubMessage>(this);
  disposed = new Signal<this, void>(this);
  status(state: string, parentType: string, parentId: string): void {
    this.iopubMessage.emit({
      header: { msg_type: 'status' },
      parent_header: { msg_type: parentType, msg_id: parentId },
      content: { execution_state: state }
    } as unknown as KernelMessage.IIOPubMessage);
  }
}

function watched(): { kernel: StatusKernel; shown: string[] } {
  const kernel = new StatusKernel();
  const shown: string[] = [];
  showSlowCommRequests(kernel, {
    current: () => kernel.current,
    show: status => {
      shown.push(status);
      kernel.current = status;
    }
  });
  return { kernel, shown };
}

describe('a comm request status', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is never shown when the request ends before the threshold', () => {
    const { kernel, shown } = watched();
    kernel.status('busy', 'comm_msg', 'm1');
    jest.advanceTimersByTime(SHOW_BUSY_AFTER_MS - 1);
    kernel.status('idle', 'comm_msg', 'm1');
    jest.advanceTimersByTime(10 * SHOW_BUSY_AFTER_MS);
    expect(shown).toEqual([]);
  });

  it('shows busy once the request lasts past the threshold, then its idle', () => {
    const { kernel, shown } = watched();
    kernel.status('busy', 'comm_open', 'm2');
    jest.advanceTimersByTime(SHOW_BUSY_AFTER_MS);
    expect(shown).toEqual(['busy']);
    kernel.status('idle', 'comm_open', 'm2');
    expect(shown).toEqual(['busy', 'idle']);
  });

  it('leaves a restarting kernel restarting when a busy would have shown', () => {
    const { kernel, shown } = watched();
    kernel.status('busy', 'comm_msg', 'm3');
    kernel.current = 'restarting';
    jest.advanceTimersByTime(10 * SHOW_BUSY_AFTER_MS);
    expect(shown).toEqual([]);
  });

  it('leaves statuses of other requests to JupyterLab', () => {
    const { kernel, shown } = watched();
    kernel.status('busy', 'execute_request', 'e1');
    jest.advanceTimersByTime(10 * SHOW_BUSY_AFTER_MS);
    kernel.status('idle', 'execute_request', 'e1');
    expect(shown).toEqual([]);
  });

  it('drops a pending busy when the connection is disposed', () => {
    const { kernel, shown } = watched();
    kernel.status('busy', 'comm_close', 'c1');
    kernel.disposed.emit();
    jest.advanceTimersByTime(10 * SHOW_BUSY_AFTER_MS);
    kernel.status('busy', 'comm_close', 'c2');
    jest.advanceTimersByTime(10 * SHOW_BUSY_AFTER_MS);
    expect(shown).toEqual([]);
  });
});

describe('untrackCommStatuses', () => {
  function config(initial: string): {
    value: string;
    getOption: () => string;
    setOption: (n: string, v: string) => string;
  } {
    const c = {
      value: initial,
      getOption: () => c.value,
      setOption: (_: string, v: string) => (c.value = v)
    };
    return c;
  }

  it('adds the comm requests and keeps the types already untracked', () => {
    const c = config('["kernel_info_request", "comm_msg"]');
    untrackCommStatuses(c);
    expect(JSON.parse(c.value)).toEqual([
      'kernel_info_request',
      'comm_msg',
      'comm_open',
      'comm_close'
    ]);
  });

  it('starts from the comm requests when the option is empty or unreadable', () => {
    for (const initial of ['', 'not json', '{"a": 1}']) {
      const c = config(initial);
      untrackCommStatuses(c);
      expect(JSON.parse(c.value)).toEqual([...COMM_REQUESTS]);
    }
  });
});
