/**
 * @jest-environment jsdom
 */
import {
  errorFrames,
  errorHeadline,
  errorNodes,
  readableFrame
} from '../../widgets/errortext';

/** An error with the stack Chromium gives a module's throw inside ipycomm's bundle. */
function chromiumError(): Error {
  const error = new Error('boom <b>in</b> render');
  error.stack = [
    'Error: boom <b>in</b> render',
    '    at render (ipycomm-target/broken.js:2:9)',
    '    at P._mount (http://127.0.0.1:8888/lab/extensions/ipycomm/static/720.33958d4e.js?v=33958d4e:5:11325)'
  ].join('\n');
  return error;
}

describe('errorHeadline', () => {
  it("reads as the error's type and message, whatever was thrown", () => {
    expect(errorHeadline(new RangeError('too far'))).toBe(
      'RangeError: too far'
    );
    expect(errorHeadline(new Error(''))).toBe('Error');
    expect(errorHeadline('plain')).toBe('plain');
  });
});

describe('readableFrame', () => {
  it("names a labextension's bundle by its package, without origin or query", () => {
    expect(
      readableFrame(
        '    at A.request (http://127.0.0.1:8888/lab/extensions/ipycomm/static/720.3395.js?v=3395:5:1820)'
      )
    ).toBe('    at A.request (ipycomm/720.3395.js:5:1820)');
    expect(
      readableFrame(
        'f@https://hub.example/user/x/lab/extensions/@scope/pkg/static/1.js?v=ab:1:2'
      )
    ).toBe('f@@scope/pkg/1.js:1:2');
  });

  it("leaves a module's frame as its sourceURL named it", () => {
    const frame = '    at render (ipycomm-target/broken.js:2:9)';
    expect(readableFrame(frame)).toBe(frame);
  });
});

describe('errorFrames', () => {
  it('keeps the frames only, readable; the message is not repeated', () => {
    expect(errorFrames(chromiumError())).toBe(
      [
        '    at render (ipycomm-target/broken.js:2:9)',
        '    at P._mount (ipycomm/720.33958d4e.js:5:11325)'
      ].join('\n')
    );
  });

  it('is empty for what has no stack', () => {
    expect(errorFrames('plain')).toBe('');
    const error = new Error('x');
    error.stack = undefined;
    expect(errorFrames(error)).toBe('');
  });
});

describe('errorNodes', () => {
  it('shows the message, and the stack inside a closed disclosure, as text', () => {
    const [message, details] = errorNodes(
      "render() of target 'broken' raised",
      chromiumError()
    );
    expect(message.textContent).toBe(
      "render() of target 'broken' raised: Error: boom <b>in</b> render"
    );
    expect(message.querySelector('b')).toBeNull();
    expect(details.tagName).toBe('DETAILS');
    expect((details as HTMLDetailsElement).open).toBe(false);
    expect(details.querySelector('summary')?.textContent).toBe('Stack trace');
    expect(details.querySelector('pre')?.textContent).toContain(
      'ipycomm-target/broken.js:2:9'
    );
  });

  it('shows only the message when there is no stack', () => {
    expect(errorNodes('failed', 'plain')).toHaveLength(1);
  });
});
