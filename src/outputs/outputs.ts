/**
 * Output of kernel handlers, shown under the view whose message caused it.
 *
 * The kernel publishes what a comm handler prints, displays, warns or raises on iopub with
 * the comm message as parent, so the future of that send receives it. This module turns those
 * iopub messages into plain text (kernel strings are never parsed as HTML) and keeps a bounded
 * history of it.
 *
 * Policy: the output of the last OUTPUT_GROUPS messages that produced any output is kept, each
 * capped at GROUP_CHARS characters. Messages without output evict nothing, so a drag whose
 * observer prints shows its last few lines, and a single noisy callback cannot grow memory.
 */

export type OutputKind = 'stdout' | 'stderr' | 'error' | 'display';

export interface ICommOutput {
  kind: OutputKind;
  text: string;
}

/** The outputs of one message, and who sent it (a view; null for anyone else). */
export interface IOutputGroup {
  readonly id: number;
  readonly source: object | null;
  outputs: ICommOutput[];
}

const OUTPUT_GROUPS = 5;
const GROUP_CHARS = 20000;

/** The parts of an iopub message we read. */
export interface IIOPubLike {
  header: { msg_type: string };
  content: unknown;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Removes terminal colour codes (IPython colours its tracebacks). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

function field(content: unknown, key: string): unknown {
  return typeof content === 'object' && content !== null
    ? (content as Record<string, unknown>)[key]
    : undefined;
}

function displayText(content: unknown): string {
  const data = field(content, 'data');
  if (typeof data !== 'object' || data === null) {
    return '';
  }
  const plain = (data as Record<string, unknown>)['text/plain'];
  if (typeof plain === 'string') {
    return plain;
  }
  return `[${Object.keys(data).join(', ')} output]`;
}

function errorText(content: unknown): string {
  const traceback = field(content, 'traceback');
  if (Array.isArray(traceback) && traceback.length) {
    return traceback.map(String).join('\n');
  }
  return `${field(content, 'ename') ?? 'Error'}: ${field(content, 'evalue') ?? ''}`;
}

/** The output an iopub message carries, or null (status, comm traffic, anything else). */
export function outputOf(msg: IIOPubLike): ICommOutput | null {
  const { content } = msg;
  switch (msg.header.msg_type) {
    case 'stream': {
      const name = field(content, 'name');
      const text = field(content, 'text');
      if (typeof text !== 'string') {
        return null;
      }
      return { kind: name === 'stderr' ? 'stderr' : 'stdout', text };
    }
    case 'display_data':
    case 'execute_result':
      return { kind: 'display', text: displayText(content) };
    case 'error':
      return { kind: 'error', text: stripAnsi(errorText(content)) };
    default:
      return null;
  }
}

/** The bounded output history of one comm. */
export class OutputHistory {
  constructor(maxGroups = OUTPUT_GROUPS, maxChars = GROUP_CHARS) {
    this._maxGroups = maxGroups;
    this._maxChars = maxChars;
  }

  get groups(): ReadonlyArray<IOutputGroup> {
    return this._groups;
  }

  /** A new message went out; returns its group id for `add`. No group exists until output. */
  begin(): number {
    return ++this._nextId;
  }

  /** Adds output of message `id`; consecutive stream text of one kind is merged. */
  add(id: number, source: object | null, output: ICommOutput): void {
    let group = this._groups.find(g => g.id === id);
    if (!group) {
      group = { id, source, outputs: [] };
      this._groups.push(group);
      this._groups.sort((a, b) => a.id - b.id);
      if (this._groups.length > this._maxGroups) {
        this._groups.splice(0, this._groups.length - this._maxGroups);
      }
    }
    const used = group.outputs.reduce((n, o) => n + o.text.length, 0);
    if (used >= this._maxChars) {
      return;
    }
    let text = output.text;
    if (used + text.length > this._maxChars) {
      text = `${text.slice(0, this._maxChars - used)}\n… (output truncated)`;
    }
    const last = group.outputs[group.outputs.length - 1];
    if (last && last.kind === output.kind && output.kind !== 'error') {
      last.text += text;
    } else {
      group.outputs.push({ kind: output.kind, text });
    }
  }

  /** Removes the output shown to `source` (and output of unknown senders), or all of it. */
  clear(source?: object): void {
    this._groups =
      source === undefined
        ? []
        : this._groups.filter(g => g.source !== null && g.source !== source);
  }

  /** What a view shows: output of its own messages and of messages no view sent. */
  visibleTo(source: object): ICommOutput[] {
    return this._groups
      .filter(g => g.source === null || g.source === source)
      .flatMap(g => g.outputs);
  }

  private _groups: IOutputGroup[] = [];
  private _nextId = 0;
  private _maxGroups: number;
  private _maxChars: number;
}
