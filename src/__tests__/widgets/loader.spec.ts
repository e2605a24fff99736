import { ModuleLoader, renderOf, sourceUrlComment } from '../../widgets/loader';

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
    expect(importer.mock.calls).toEqual([
      ['a', 't'],
      ['b', 't']
    ]);
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

describe('sourceUrlComment', () => {
  it('names the module after its target, in a comment no target name can end', () => {
    expect(sourceUrlComment('my_widget')).toBe(
      '\n//# sourceURL=ipycomm-target/my_widget.js\n'
    );
    const hostile = sourceUrlComment('x\nalert(1) */ y');
    expect(hostile.trim().split('\n')).toHaveLength(1);
    expect(hostile).toContain('ipycomm-target/x%0Aalert(1)%20*%2F%20y.js');
  });
});
