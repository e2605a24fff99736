/**
 * Where a kernel-opened comm's view appears: under the cell whose execution opened it.
 *
 * The comm_open's parent is the execute_request of that cell, and the cell's output area
 * still holds that request's future while the cell runs. Adding a view output to the cell's
 * output model (rather than inserting a widget) means the view is saved with the notebook
 * and rendered again on reload.
 */
import { IViewData, VIEW_MIME_TYPE } from '../kernel/protocol';

/** The parts of a JupyterLab OutputArea placement uses. */
export interface IOutputAreaLike {
  readonly future?: {
    readonly msg: { readonly header: { readonly msg_id: string } };
  } | null;
  readonly model: { add(output: IViewOutput | IStreamOutput): number };
}

/** A stream output, for messages about the view (e.g. why it could not open). */
export interface IStreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: string;
}

export interface IViewOutput {
  output_type: 'display_data';
  data: { [VIEW_MIME_TYPE]: IViewData };
  metadata: Record<string, never>;
}

/** A display_data output showing a view of the comm. */
function viewOutput(view: IViewData): IViewOutput {
  return {
    output_type: 'display_data',
    data: { [VIEW_MIME_TYPE]: view },
    metadata: {}
  };
}

function outputAreaOf(cell: unknown): IOutputAreaLike | null {
  if (typeof cell !== 'object' || cell === null || !('outputArea' in cell)) {
    return null;
  }
  return (cell as { outputArea: IOutputAreaLike }).outputArea ?? null;
}

/** The output area whose running execution has this msg id, or null (console, other). */
export function findOutputArea(
  cells: Iterable<unknown>,
  parentMsgId: string
): IOutputAreaLike | null {
  if (!parentMsgId) {
    return null;
  }
  for (const cell of cells) {
    const area = outputAreaOf(cell);
    if (area?.future?.msg?.header?.msg_id === parentMsgId) {
      return area;
    }
  }
  return null;
}

/** Adds a view of the comm under the cell that opened it; false when no cell matches. */
export function placeView(
  cells: Iterable<unknown>,
  parentMsgId: string,
  view: IViewData
): boolean {
  const area = findOutputArea(cells, parentMsgId);
  if (!area) {
    return false;
  }
  area.model.add(viewOutput(view));
  return true;
}
