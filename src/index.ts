/**
 * The package's entry point (package.json `main`): JupyterLab loads the plugin from here.
 */
import plugin from './plugin';

export default plugin;
