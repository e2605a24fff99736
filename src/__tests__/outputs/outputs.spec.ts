import { OutputHistory, outputOf, stripAnsi } from '../../outputs/outputs';

const iopub = (type: string, content: object) => ({
  header: { msg_type: type },
  content
});

describe('outputOf', () => {
  it('reads stream, display and error messages and ignores the rest', () => {
    expect(outputOf(iopub('stream', { name: 'stderr', text: 'w' }))).toEqual({
      kind: 'stderr',
      text: 'w'
    });
    expect(
      outputOf(iopub('display_data', { data: { 'text/plain': '42' } }))
    ).toEqual({ kind: 'display', text: '42' });
    expect(
      outputOf(iopub('display_data', { data: { 'image/png': 'x' } }))?.text
    ).toBe('[image/png output]');
    expect(outputOf(iopub('status', { execution_state: 'idle' }))).toBeNull();
  });

  it('shows an error traceback without terminal colours', () => {
    const out = outputOf(
      iopub('error', {
        ename: 'ZeroDivisionError',
        evalue: 'x',
        traceback: ['summary', '\x1b[31mZeroDivisionError\x1b[0m: x']
      })
    );
    expect(out).toEqual({
      kind: 'error',
      text: 'summary\nZeroDivisionError: x'
    });
    expect(stripAnsi('\x1b[1;32mok\x1b[0m')).toBe('ok');
  });
});

describe('OutputHistory', () => {
  it('keeps the output of the last N messages that produced any', () => {
    const history = new OutputHistory(2);
    for (let i = 0; i < 4; i++) {
      const id = history.begin();
      history.add(id, null, { kind: 'stdout', text: `${i}` });
      history.begin(); // a message without output evicts nothing
    }
    expect(history.groups.map(g => g.outputs[0].text)).toEqual(['2', '3']);
  });

  it('caps the text of one message', () => {
    const history = new OutputHistory(5, 10);
    const id = history.begin();
    history.add(id, null, { kind: 'stdout', text: 'x'.repeat(25) });
    history.add(id, null, { kind: 'stdout', text: 'more' });
    expect(history.groups[0].outputs[0].text).toMatch(
      /^x{10}\n… \(output truncated\)$/
    );
  });

  it('shows a view the output of its own messages and of messages no view sent', () => {
    const history = new OutputHistory();
    const a = {};
    const b = {};
    history.add(history.begin(), a, { kind: 'stdout', text: 'a' });
    history.add(history.begin(), b, { kind: 'stdout', text: 'b' });
    history.add(history.begin(), null, { kind: 'stdout', text: 'all' });
    expect(history.visibleTo(a).map(o => o.text)).toEqual(['a', 'all']);
    history.clear(a);
    expect(history.visibleTo(a)).toEqual([]);
    expect(history.visibleTo(b).map(o => o.text)).toEqual(['b']);
  });
});
