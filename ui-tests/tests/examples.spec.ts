/**
 * Every notebook in examples/ runs top to bottom (Run All) with nothing shown as an error: the
 * first thing most users do with ipycomm. One test per notebook, from the directory listing, so
 * a new example is covered as soon as it is added.
 */
import { test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { REPO } from './helpers';
import { expectNoErrors, runAll } from './runall';

const EXAMPLES = path.join(REPO, 'examples');

const notebooks = fs
  .readdirSync(EXAMPLES)
  .filter(name => name.endsWith('.ipynb'))
  .sort();

/** The other files of examples/ (a module a notebook loads from disk, for instance). */
const companions = fs
  .readdirSync(EXAMPLES)
  .filter(name => !name.endsWith('.ipynb'));

test.describe('examples', () => {
  test('the examples folder has notebooks', () => {
    test.expect(notebooks.length).toBeGreaterThan(0);
  });

  for (const name of notebooks) {
    test(`Run All on ${name} shows no error`, async ({ page, tmpPath }) => {
      for (const file of [...companions, name]) {
        await page.contents.uploadContent(
          fs.readFileSync(path.join(EXAMPLES, file), 'utf-8'),
          'text',
          `${tmpPath}/${file}`
        );
      }
      await page.notebook.openByPath(`${tmpPath}/${name}`);
      await page.notebook.activate(name);
      await runAll(page);
      await expectNoErrors(page);
    });
  }
});
