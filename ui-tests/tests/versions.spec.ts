/**
 * The versions under test (README "Versions"): JupyterLab and ipykernel are inside ipycomm's
 * tested range, exactly the ones scripts/ui-test-matrix installed when it names them
 * (IPYCOMM_EXPECT_LAB, IPYCOMM_EXPECT_IPYKERNEL), and JupyterLab shares every package the
 * labextension consumes without an "Unsatisfied version" warning for ipycomm's ranges (but for
 * a pre-release, which no semver range admits).
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { runCell } from './helpers';

const LAB_RANGE = /^4\.[4-7]\./;
const IPYKERNEL_RANGE = /^7\.[0-4]\./;

/** A JavaScript version written the way pip writes it: 4.7.0-alpha.2 is 4.7.0a2. */
const pep440 = (version: string) =>
  version
    .replace(/-alpha\.?/, 'a')
    .replace(/-beta\.?/, 'b')
    .replace(/-rc\.?/, 'rc');

/**
 * "shareKey (required range)" for each package the labextension consumes, read from the
 * remoteEntry the server serves (the bundle under test).
 */
async function consumed(page: IJupyterLabPageFixture): Promise<string[]> {
  const source: string = await page.evaluate(async () => {
    const data = document.getElementById('jupyter-config-data')!.textContent!;
    const config = JSON.parse(data);
    const ext = config.federated_extensions.find(
      (e: any) => e.name === 'ipycomm'
    );
    const response = await fetch(
      `${config.fullLabextensionsUrl}/ipycomm/${ext.load}`
    );
    return response.text();
  });
  const found = source.matchAll(
    /shareKey:"([^"]+)",[^}]*?requiredVersion:"([^"]+)"/g
  );
  return [...found].map(([, key, range]) => `${key} (required ${range})`);
}

test('JupyterLab and the kernel run versions inside the tested range @matrix', async ({
  page
}) => {
  const lab = pep440(
    await page.evaluate(() => (window as any).jupyterapp.version)
  );
  expect(lab).toMatch(LAB_RANGE);
  if (process.env.IPYCOMM_EXPECT_LAB) {
    expect(lab).toBe(process.env.IPYCOMM_EXPECT_LAB);
  }
  await page.notebook.createNew('versions.ipynb');
  const kernel = await runCell(
    page,
    0,
    'import ipykernel\nprint(ipykernel.__version__)'
  );
  expect(kernel).toMatch(IPYKERNEL_RANGE);
  if (process.env.IPYCOMM_EXPECT_IPYKERNEL) {
    expect(kernel).toBe(process.env.IPYCOMM_EXPECT_IPYKERNEL);
  }
});

test('JupyterLab shares every package ipycomm consumes, with no version warning @matrix', async ({
  page
}) => {
  const ours = await consumed(page);
  expect(ours.length).toBeGreaterThan(0);
  const warnings: string[] = [];
  // A semver range admits no pre-release, so a pre-release JupyterLab (4.7.0-alpha.2) is
  // warned about whatever the range; it still shares its one copy, which is what matters.
  page.on('console', message => {
    if (/Unsatisfied version [^ -]+ from/.test(message.text())) {
      warnings.push(message.text());
    }
  });
  await page.reload();
  await expect(page.locator('.jp-LabShell')).toBeVisible();
  expect(
    warnings.filter(w => ours.some(o => w.endsWith(`module ${o}`)))
  ).toEqual([]);
});
