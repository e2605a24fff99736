/**
 * ipycomm's commands, in the palette under "ipycomm": "Open comm to kernel target…" opens a
 * comm from the frontend to a target registered in the current kernel and shows its messages
 * in a main-area view; "Show Comm Inspector" reveals the inspector.
 */
import { InputDialog, showErrorMessage } from '@jupyterlab/apputils';
import type { Kernel } from '@jupyterlab/services';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { CommandRegistry } from '@lumino/commands';
import { CommManager } from '../comms/manager';
import { CommModel } from '../comms/model';
import { IJSONObject, parseUserJson } from '../util/json';
import { DEFAULT_TARGET } from '../widgets';

const CommandIDs = {
  openComm: 'ipycomm:open-comm',
  inspector: 'ipycomm:inspector'
};

export interface IOpenCommDeps {
  manager: CommManager;
  /** The kernel of the notebook or console the user is working in. */
  currentKernel: () => Kernel.IKernelConnection | null;
  show: (model: CommModel) => void;
}

export interface ICommandDeps extends IOpenCommDeps {
  /** Creates the inspector panel if needed, and reveals it. */
  showInspector: () => void;
}

/** Adds both commands, and puts them in the palette when there is one. */
export function addCommands(
  commands: CommandRegistry,
  palette: ICommandPalette | null,
  deps: ICommandDeps
): void {
  addOpenCommCommand(commands, deps);
  addInspectorCommand(commands, deps.showInspector);
  for (const command of [CommandIDs.openComm, CommandIDs.inspector]) {
    palette?.addItem({ command, category: 'ipycomm' });
  }
}

function addInspectorCommand(
  commands: CommandRegistry,
  show: () => void
): void {
  commands.addCommand(CommandIDs.inspector, {
    label: 'Show Comm Inspector',
    caption:
      'Live comms, kernel targets and comm messages of the current kernel',
    execute: show
  });
}

function addOpenCommCommand(
  commands: CommandRegistry,
  deps: IOpenCommDeps
): void {
  commands.addCommand(CommandIDs.openComm, {
    label: 'Open comm to kernel target…',
    caption:
      'Open a comm from the browser to a comm target registered in the kernel',
    isEnabled: () => deps.currentKernel() !== null,
    execute: () => openComm(deps)
  });
}

async function openComm(deps: IOpenCommDeps): Promise<CommModel | null> {
  const kernel = deps.currentKernel();
  if (!kernel) {
    await showErrorMessage(
      'No kernel',
      'Open a notebook or console with a running kernel.'
    );
    return null;
  }
  const target = await InputDialog.getText({
    title: 'Open comm to kernel target',
    label: 'Target name',
    text: DEFAULT_TARGET
  });
  const targetName = target.value?.trim();
  if (!target.button.accept || !targetName) {
    return null;
  }
  const data = await askForData();
  if (!data) {
    return null;
  }
  const model = deps.manager.openComm(kernel, targetName, data);
  deps.show(model);
  return model;
}

/** Asks until the text is a JSON object (or empty), or the user cancels. */
async function askForData(): Promise<IJSONObject | null> {
  let label = 'Data to open with (a JSON object, optional)';
  let text = '';
  for (;;) {
    const answer = await InputDialog.getText({
      title: 'Open comm: data',
      label,
      text
    });
    if (!answer.button.accept) {
      return null;
    }
    text = answer.value ?? '';
    const parsed = parseUserJson(text);
    if (parsed.ok) {
      return parsed.value;
    }
    label = `${parsed.error}. Data to open with (a JSON object, optional)`;
  }
}
