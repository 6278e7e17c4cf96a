// `theorylab check FILE [--json]`: prints the diagnostics of a .tlab or .clevr file.
// Exit 0 when none is an error, 1 when one is, 2 when the file cannot be checked.
import * as fs from 'node:fs';
import { CliCommand, parseArgs } from './args';
import { checkTlabFile, CliDiagnostic } from '../tlab/cli';
import { checkClevrFile } from '../clevr/cli';

export function checkFile(file: string): { diagnostics: CliDiagnostic[] } {
  if (file.endsWith('.tlab')) return checkTlabFile(file);
  if (file.endsWith('.clevr')) return checkClevrFile(file);
  throw new Error(`cannot check '${file}': expected a .tlab or .clevr file`);
}

export const checkCommand: CliCommand = {
  name: 'check',
  usage: 'check FILE [--json]',
  summary: 'print the diagnostics of a .tlab or .clevr file',
  help: 'Prints every diagnostic (syntax, names, types, solver parameters, shapes). Exit 0 when none is an error, 1 otherwise, 2 when the file cannot be read.\n' +
    'With --json: {"diagnostics": [{"line", "column", "endLine", "endColumn", "severity", "message"}]} (1-based).',
  async run(args) {
    const p = parseArgs(args, ['json']);
    const file = p.positionals[0];
    if (!file) throw new Error('which file? usage: theorylab check FILE [--json]');
    if (!fs.existsSync(file)) throw new Error(`file not found: ${file}`);
    const { diagnostics } = checkFile(file);
    if (p.flags.has('json')) console.log(JSON.stringify({ diagnostics }));
    else {
      for (const d of diagnostics) console.log(`${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      console.log(errors ? `${errors} error${errors > 1 ? 's' : ''}` : `no errors${diagnostics.length ? ` (${diagnostics.length} other diagnostic${diagnostics.length > 1 ? 's' : ''})` : ''}`);
    }
    return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
};
