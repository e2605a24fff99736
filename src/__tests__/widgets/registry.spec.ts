import { Widget } from '@lumino/widgets';
import type { IWidgetDefinition } from '../../widgets/api';
import { WidgetRegistry } from '../../widgets/registry';

function widget(target: string): IWidgetDefinition {
  return {
    target,
    reducer: state => ({ ok: true, value: state }),
    createView: () => new Widget()
  };
}

describe('WidgetRegistry', () => {
  it('holds the built-ins and announces each widget registered later', () => {
    const registry = new WidgetRegistry([widget('a')]);
    const added: string[] = [];
    registry.added.connect((_, target) => added.push(target));
    const b = widget('b');
    registry.register(b);
    expect(registry.targets()).toEqual(['a', 'b']);
    expect(registry.get('b')).toBe(b);
    expect(added).toEqual(['b']);
  });

  it('refuses a second widget for one target, and a widget without a view', () => {
    const registry = new WidgetRegistry([widget('a')]);
    expect(() => registry.register(widget('a'))).toThrow(
      "comm target 'a' already has a widget"
    );
    expect(() =>
      registry.register({ ...widget('c'), createView: undefined as never })
    ).toThrow('has no createView');
  });

  it('removes a widget when its registration is disposed', () => {
    const registry = new WidgetRegistry();
    const registration = registry.register(widget('x'));
    registration.dispose();
    expect(registration.isDisposed).toBe(true);
    expect(registry.get('x')).toBeUndefined();
    registry.register(widget('x'));
    registration.dispose();
    expect(registry.get('x')).toBeDefined();
  });
});
