import { Coalescer } from '../../util/coalesce';
import { ManualFrames } from '../fakes';

function setup() {
  const frames = new ManualFrames();
  const sent: number[] = [];
  const coalescer = new Coalescer<number>(value => sent.push(value), frames);
  return { frames, sent, coalescer };
}

describe('Coalescer', () => {
  it('sends the first value at once, then at most one per frame, the latest', () => {
    const { frames, sent, coalescer } = setup();
    for (let v = 1; v <= 50; v++) {
      coalescer.push(v);
    }
    expect(sent).toEqual([1]);
    expect(frames.requested).toBe(1);
    frames.frame();
    expect(sent).toEqual([1, 50]);
  });

  it('always sends the value where a drag stops', () => {
    const { frames, sent, coalescer } = setup();
    // A drag over three frames, stopping just after the last frame fired.
    coalescer.push(1);
    coalescer.push(2);
    frames.frame();
    coalescer.push(3);
    frames.frame();
    coalescer.push(4);
    coalescer.push(5);
    frames.frame();
    expect(sent).toEqual([1, 2, 3, 5]);
    expect(coalescer.pending).toBe(false);
  });

  it('never sends more than one value between two frames', () => {
    const { frames, sent, coalescer } = setup();
    let framesRun = 0;
    for (let i = 0; i < 1000; i++) {
      coalescer.push(i);
      if (i % 7 === 0) {
        frames.frame();
        framesRun++;
      }
    }
    frames.frame();
    framesRun++;
    // One leading send, then one per frame at most.
    expect(sent.length).toBeLessThanOrEqual(framesRun + 1);
    expect(sent[sent.length - 1]).toBe(999);
  });

  it('an isolated input is sent without waiting, and a quiet frame sends nothing', () => {
    const { frames, sent, coalescer } = setup();
    coalescer.push(1);
    expect(sent).toEqual([1]);
    frames.frame();
    frames.frame();
    expect(sent).toEqual([1]);
    expect(frames.requested).toBe(0);
    coalescer.push(2);
    expect(sent).toEqual([1, 2]);
  });

  it('flush sends the held value now and the frame does not repeat it', () => {
    const { frames, sent, coalescer } = setup();
    coalescer.push(7);
    coalescer.push(8);
    coalescer.flush();
    frames.frame();
    expect(sent).toEqual([7, 8]);
  });

  it('sends the held value on dispose and nothing after', () => {
    const { frames, sent, coalescer } = setup();
    coalescer.push(1);
    coalescer.push(2);
    coalescer.dispose();
    coalescer.push(3);
    frames.frame();
    expect(sent).toEqual([1, 2]);
  });
});
