/**
 * anywidget on a kernel whose comm layer is ipycomm (no `import ipycomm` in the notebook): a
 * counter whose browser side is an ES module given as `_esm`, with a synced `count` traitlet.
 */
import { expect, test } from '@jupyterlab/galata';
import { expectIpycommKernel, expectKernel, runCell } from './helpers';

const COUNTER = `import anywidget, traitlets

class Counter(anywidget.AnyWidget):
    _esm = """
    function render({ model, el }) {
      const button = document.createElement("button");
      button.className = "counter-button";
      const show = () => { button.textContent = "count is " + model.get("count"); };
      button.addEventListener("click", () => {
        model.set("count", model.get("count") + 1);
        model.save_changes();
      });
      model.on("change:count", show);
      show();
      el.appendChild(button);
    }
    export default { render };
    """
    count = traitlets.Int(0).tag(sync=True)

seen = []
counter = Counter()
counter.observe(lambda change: seen.append(change["new"]), names="count")
counter`;

test('an anywidget counter: clicks update the view and the kernel, and a kernel push the view', async ({
  page
}) => {
  await page.notebook.createNew('anywidget.ipynb');
  await runCell(page, 0, COUNTER);
  const cell = (await page.notebook.getCellLocator(0))!;
  const button = cell.locator('button.counter-button');
  await expect(button).toHaveText('count is 0', { timeout: 30000 });
  await expectIpycommKernel(page);

  await button.click();
  await expect(button).toHaveText('count is 1', { timeout: 30000 });
  await button.click();
  await expect(button).toHaveText('count is 2', { timeout: 30000 });
  // The traitlet changed in the kernel, and its Python observer ran once per click.
  const probe = await expectKernel(page, 'counter.count', '2');
  await expectKernel(page, 'seen', '[1, 2]', probe);

  await runCell(page, probe, 'counter.count = 40');
  await expect(button).toHaveText('count is 40', { timeout: 30000 });
  await button.click();
  await expect(button).toHaveText('count is 41', { timeout: 30000 });
  await expectKernel(page, 'seen', '[1, 2, 40, 41]', probe);
});
