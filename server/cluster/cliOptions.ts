// The CLI's cluster options (`theorylab run FILE --backend slurm …`), turned into a SlurmRunner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { option, ParsedArgs } from '../cli/args';
import { cliWorkspaceRoot } from '../workspace/confine';
import { SlurmRunner } from './slurm';

export const clusterUsage = '[--backend local|slurm] [--partition P] [--account A] [--array-limit N] [--time HH:MM:SS] ' +
  '[--gpus-per-task G] [--cpus-per-task C] [--template FILE] [--results DIR] [--cli "CMD"]';

export const clusterHelp = [
  '--backend slurm runs every solver call as a task of a Slurm job array (docs/cluster.md): --partition, --account,',
  '--array-limit (tasks at once), --time (per task), --gpus-per-task, --cpus-per-task map to #SBATCH lines; --template FILE',
  'adds its lines (module loads, #SBATCH extras) to the job script; --results DIR is the shared results folder (default',
  '.theorylab/slurm at the workspace root: the file\'s folder or its nearest ancestor with .git or package.json); --cli is',
  'the command that runs Theory Lab on the compute nodes. Re-running resumes; Ctrl-C runs scancel on the submitted arrays.',
].join('\n');

function positiveInt(p: ParsedArgs, key: string): number | undefined {
  const v = option(p, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${key} must be a positive integer, got '${v}'`);
  return n;
}

/** A SlurmRunner for `--backend slurm`, undefined for a local run; throws on malformed options. */
export function slurmRunnerFromArgs(p: ParsedArgs, file: string, onLine: (s: string) => void = (s) => console.error(s)): SlurmRunner | undefined {
  const backend = option(p, 'backend') ?? 'local';
  if (backend === 'local') return undefined;
  if (backend !== 'slurm') throw new Error(`--backend must be local or slurm, got '${backend}'`);
  const time = option(p, 'time');
  if (time !== undefined && !/^(\d+-)?\d{1,3}(:\d{2}){0,2}$/.test(time)) throw new Error(`--time must look like HH:MM:SS (or D-HH:MM:SS), got '${time}'`);
  const template = option(p, 'template');
  let preamble: string[] | undefined;
  if (template) {
    if (!fs.existsSync(template)) throw new Error(`template not found: ${template}`);
    preamble = fs.readFileSync(template, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#!'));
  }
  // at the workspace root, like the editor's (cluster/settings.ts): runs of every file of the
  // workspace share one results folder, and resume wherever the CLI is started from
  const dir = option(p, 'results') ?? path.join(cliWorkspaceRoot(file), '.theorylab', 'slurm');
  let last = '';
  return new SlurmRunner({
    dir,
    partition: option(p, 'partition'),
    account: option(p, 'account'),
    arrayLimit: positiveInt(p, 'array-limit'),
    time,
    gpusPerTask: positiveInt(p, 'gpus-per-task'),
    cpusPerTask: positiveInt(p, 'cpus-per-task'),
    preamble,
    cliCommand: option(p, 'cli'),
    onStatus: (s) => {
      const line = `slurm: ${s.pending} pending, ${s.running} running, ${s.done} done, ${s.failed} failed (jobs ${s.jobIds.join(', ') || '—'})`;
      if (line !== last) { last = line; onLine(line); }
    },
  });
}
