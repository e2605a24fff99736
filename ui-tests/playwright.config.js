/**
 * Galata configuration: JupyterLab on 127.0.0.1:8888, Debian's Chromium (no browser downloads here).
 * The server is the JupyterLab of .venv (through PATH), or of IPYCOMM_UI_VENV when it is set:
 * scripts/ui-test-matrix runs the core specs against other JupyterLab versions that way, each
 * with its own Galata (ui-tests/matrix/).
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const venv = process.env.IPYCOMM_UI_VENV;

module.exports = {
  ...baseConfig,
  // The collaboration specs (./rtc) need their own server: playwright.rtc.config.js.
  // scripts/ui-test-matrix points IPYCOMM_UI_TESTS at a copy beside another Galata version.
  testDir: process.env.IPYCOMM_UI_TESTS ?? './tests',
  timeout: 120000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    ...baseConfig.use,
    baseURL: 'http://127.0.0.1:8888',
    video: 'off',
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    }
  },
  webServer: {
    command: venv
      ? `${venv}/bin/jupyter lab --config jupyter_server_test_config.py`
      : 'jlpm start',
    url: 'http://127.0.0.1:8888/lab',
    timeout: 120 * 1000,
    reuseExistingServer: false
  }
};
