// `theorylab task --file T.json --results DIR`: runs one Slurm array task (used by job scripts).
import { runTaskFile } from '../cluster/task';
import { CliCommand, option, parseArgs } from './args';

export const taskCommand: CliCommand = {
  name: 'task',
  usage: 'task --file TASK.json --results DIR',
  summary: 'run one cluster task (written by `run --backend slurm`)',
  async run(args) {
    const p = parseArgs(args);
    const file = option(p, 'file'), results = option(p, 'results');
    if (!file || !results) throw new Error('task needs --file and --results');
    return runTaskFile(file, results);
  },
};
