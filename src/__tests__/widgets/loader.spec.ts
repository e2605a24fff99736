import { describeError, ModuleLoader, renderOf } from '../../widgets/loader';

describe('renderOf', () => {
  it('finds render as a named export or as default.render', () => {
    const render = () => undefined;
    expect(renderOf({ render }, 't')).toEqual({ ok: true, value: render });
    expect(renderOf({ default: { render } }, 't')).toEqual({
      ok: true,
      value: render
    });
  });

  it('says which target exports no render', () => {
    const result = renderOf({ draw: () => undefined }, 'counter');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(
      /target 'counter' exports no render/
    );
  });
});

describe('ModuleLoader', () => {
  it('imports each distinct source once', async () => {
    const render = () => undefined;
    const importer = jest.fn(async () => ({ render }));
    const loader = new ModuleLoader(importer);
    await expect(loader.load('t', 'a')).resolves.toBe(render);
    await loader.load('t', 'a');
    await loader.load('t', 'b');
    expect(importer.mock.calls).toEqual([['a'], ['b']]);
  });

  it('rejects with the import error, and tries again next time', async () => {
    const importer = jest
      .fn()
      .mockRejectedValueOnce(new SyntaxError('Unexpected end of input'))
      .mockResolvedValueOnce({ render: () => undefined });
    const loader = new ModuleLoader(importer);
    await expect(loader.load('t', 'x')).rejects.toThrow('Unexpected end');
    await expect(loader.load('t', 'x')).resolves.toBeInstanceOf(Function);
  });

  it('rejects a module without render with a TypeError saying so', async () => {
    const loader = new ModuleLoader(async () => ({}));
    await expect(loader.load('t', 'x')).rejects.toThrow(TypeError);
  });
});

describe('describeError', () => {
  it('keeps the type, message and stack', () => {
    const error = new RangeError('too far');
    expect(describeError(error)).toContain('RangeError: too far');
    expect(describeError('plain')).toBe('plain');
  });
});
