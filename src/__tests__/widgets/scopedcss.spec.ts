import {
  KERNEL_ATTRIBUTE,
  scopedCss,
  ScopedStyles,
  scopeSelector,
  TARGET_ATTRIBUTE
} from '../../widgets/scopedcss';

const styles = (): string[] =>
  [...document.head.querySelectorAll('style.jp-ipycomm-target-css')].map(
    s => s.textContent ?? ''
  );

describe('a frontend target’s CSS', () => {
  // jsdom's CSS parser does not know @scope (browsers since 2023-24 do) and says so on the
  // console for each style element; the tests read the elements' text, not parsed rules.
  let consoleError: jest.SpyInstance;
  beforeEach(() => {
    const original = console.error;
    consoleError = jest
      .spyOn(console, 'error')
      .mockImplementation((...args) => {
        if (!String(args[0]).includes('Could not parse CSS stylesheet')) {
          original(...args);
        }
      });
  });
  afterEach(() => {
    consoleError.mockRestore();
    document.head.innerHTML = '';
  });

  it('is scoped to the views of its kernel and target', () => {
    expect(scopedCss('k1', 'counter', 'button { color: red }')).toBe(
      '@scope ([data-ipycomm-kernel="k1"][data-ipycomm-target="counter"]) {\n' +
        'button { color: red }\n}'
    );
    expect(scopeSelector('k"1', 'a\\b')).toBe(
      '[data-ipycomm-kernel="k\\"1"][data-ipycomm-target="a\\\\b"]'
    );
  });

  it('is in the page only while a view of the target is', () => {
    const css = new ScopedStyles();
    css.define('k1', 'counter', 'button { color: red }');
    expect(styles()).toEqual([]); // defined, but no view yet
    const node = document.createElement('div');
    const release = css.attach('k1', 'counter', node);
    expect(node.getAttribute(KERNEL_ATTRIBUTE)).toBe('k1');
    expect(node.getAttribute(TARGET_ATTRIBUTE)).toBe('counter');
    const second = css.attach('k1', 'counter', document.createElement('div'));
    expect(styles()).toHaveLength(1);
    release();
    release(); // twice: released once
    expect(styles()).toHaveLength(1);
    second();
    expect(styles()).toEqual([]);
  });

  it('is replaced by a redefinition, and removed by a definition without CSS', () => {
    const css = new ScopedStyles();
    css.attach('k1', 'counter', document.createElement('div'));
    css.define('k1', 'counter', 'p { margin: 0 }');
    expect(styles()).toEqual([scopedCss('k1', 'counter', 'p { margin: 0 }')]);
    css.define('k1', 'counter', 'p { margin: 1px }');
    expect(styles()).toEqual([scopedCss('k1', 'counter', 'p { margin: 1px }')]);
    css.define('k1', 'counter', null);
    expect(styles()).toEqual([]);
  });

  it('goes with its kernel, and other kernels keep theirs', () => {
    const css = new ScopedStyles();
    css.attach('k1', 'a', document.createElement('div'));
    css.attach('k2', 'a', document.createElement('div'));
    css.define('k1', 'a', 'p {}');
    css.define('k2', 'a', 'p {}');
    css.forget('k1');
    expect(styles()).toEqual([scopedCss('k2', 'a', 'p {}')]);
    expect(css.styleCount).toBe(1);
  });
});
