/**
 * Galata configuration for the real-time collaboration specs (ui-tests/rtc/): a JupyterLab of
 * .venv-rtc (jupyter-collaboration installed, scripts/setup-rtc) on 127.0.0.1:8889, so it runs
 * beside the main UI tests' server, in Debian's Chromium.
 */
const base = require('./playwright.config');

module.exports = {
  ...base,
  testDir: './rtc',
  use: { ...base.use, baseURL: 'http://127.0.0.1:8889' },
  webServer: {
    command: '../.venv-rtc/bin/jupyter lab --config jupyter_server_rtc_config.py',
    url: 'http://127.0.0.1:8889/lab',
    timeout: 120 * 1000,
    reuseExistingServer: false
  }
};
