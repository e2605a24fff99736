/// <reference types="node" />
/**
 * The privates of other packages live in src/compat only: no other module of src/ names one of
 * the compat modules' PRIVATES outside a comment. Adding a name there is all it takes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PRIVATES } from '../../compat';

const SRC = path.resolve(__dirname, '..', '..');
/** Folders that may name privates: compat itself, and the tests' fakes. */
const EXEMPT = ['compat', '__tests__'];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return dir === SRC && EXEMPT.includes(entry.name) ? [] : sources(full);
    }
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The source with its comments blanked out, line breaks kept (so line numbers hold). */
function withoutComments(source: string): string {
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  return source
    .replace(/\/\*[\s\S]*?\*\//g, blank)
    .replace(
      /(^|\s)\/\/.*$/gm,
      (match, lead: string) => lead + blank(match.slice(lead.length))
    );
}

/** Where `source` names one of `names`, as `line: name`. */
function uses(source: string, names: ReadonlyArray<string>): string[] {
  const found: string[] = [];
  withoutComments(source)
    .split('\n')
    .forEach((line, index) => {
      for (const name of names) {
        if (
          new RegExp(`(^|[^\\w$])${name.replace('$', '\\$')}(?![\\w$])`).test(
            line
          )
        ) {
          found.push(`${index + 1}: ${name}`);
        }
      }
    });
  return found;
}

describe('the privates of JupyterLab', () => {
  it('are named in src/compat only', () => {
    const offenders = sources(SRC).flatMap(file =>
      uses(fs.readFileSync(file, 'utf8'), PRIVATES).map(
        use => `${path.relative(SRC, file)}:${use}`
      )
    );
    expect(offenders).toEqual([]);
  });

  it('are found as members, in strings and in casts, but not in comments', () => {
    const source = [
      'k._sendMessage = f;',
      'const r = (k as unknown as { _targetRegistry?: unknown })._targetRegistry;',
      "k['_updateStatus'];",
      '// _handleMessage is wrapped',
      '/* _handleMessage */ this._sendMessages = 1;'
    ].join('\n');
    expect(uses(source, PRIVATES)).toEqual([
      '1: _sendMessage',
      '2: _targetRegistry',
      '3: _updateStatus'
    ]);
  });

  it('scan the modules that used them before src/compat existed', () => {
    const scanned = sources(SRC).map(file => path.relative(SRC, file));
    expect(scanned).toEqual(
      expect.arrayContaining([
        path.join('chunks', 'connection.ts'),
        path.join('kernel', 'subshellclose.ts'),
        path.join('kernel', 'unknowntargets.ts'),
        path.join('kernel', 'connection.ts')
      ])
    );
  });
});
