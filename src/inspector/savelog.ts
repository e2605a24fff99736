/**
 * The message log as a file: JSON with the kernel, when it was saved, and each event (binary
 * buffers by size only, as the log keeps them). The pure part builds the file; `download`
 * hands it to the browser through a Blob and an `<a download>`.
 */
import { ICommEvent } from './traffic';

export interface ILogFile {
  name: string;
  text: string;
}

export interface ILogSource {
  kernelId: string;
  kernelName: string;
  /** When the connection's recording started, ms since the epoch. */
  since: number;
}

/** The file for `events`, named after the kernel and the time it is saved. */
export function logFile(
  events: ReadonlyArray<ICommEvent>,
  source: ILogSource,
  now = Date.now()
): ILogFile {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const body = {
    kernel: { id: source.kernelId, name: source.kernelName },
    recordedSince: new Date(source.since).toISOString(),
    savedAt: new Date(now).toISOString(),
    events: events.map(e => ({
      time: new Date(e.time).toISOString(),
      direction: e.direction,
      kind: e.kind,
      commId: e.commId,
      targetName: e.targetName,
      msgId: e.msgId,
      bytes: e.bytes,
      bufferSizes: e.bufferSizes,
      data: e.data
    }))
  };
  return {
    name: `ipycomm-log-${source.kernelId.slice(0, 8)}-${stamp}.json`,
    text: JSON.stringify(body, null, 2)
  };
}

/** Saves `file` through the browser's download. */
export function download(file: ILogFile): void {
  const url = URL.createObjectURL(
    new Blob([file.text], { type: 'application/json' })
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
