/**
 * The browser benchmark (run by `python -m benchmarks.browser`, which starts the servers):
 * Debian's Chromium against a JupyterLab whose URL comes from BENCH_URL.
 */
const base = require('./playwright.config');

module.exports = {
  ...base,
  testDir: './bench',
  testMatch: '**/*.bench.ts',
  timeout: 300000,
  webServer: undefined,
  use: { ...base.use, baseURL: process.env.BENCH_URL || 'http://127.0.0.1:8888' }
};
