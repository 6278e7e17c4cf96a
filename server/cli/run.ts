// `theorylab run FILE.tlab [--json] [--out DIR] [--device cpu|gpu|auto]`: runs every experiment and
// derivation (or the evals and sentences of a .clevr file). Exit 0 all passed, 1 an expectation or
// check failed, 2 an error.
import * as fs from 'node:fs';
import { CliCommand, option, parseArgs } from './args';
import { runTlabFile } from '../tlab/cli';
import { runClevrFile } from '../clevr/cli';
import { InProcessRunner, SolverRunner } from '../engine/runner';
import type { Device } from '../solvers/registry';
import { clusterHelp, clusterUsage, slurmRunnerFromArgs } from '../cluster/cliOptions';

export const runCommand: CliCommand = {
  name: 'run',
  usage: `run FILE.tlab [--json] [--out DIR] [--device cpu|gpu|auto] ${clusterUsage}`,
  summary: 'run every experiment and derivation of a file',
  help: 'Runs every experiment and derivation of a .tlab file (or the evals and sentences of a .clevr file) and prints each\n' +
    'expectation and check. --out DIR writes each plot as Vega-Lite JSON and its data as CSV. --device picks the default\n' +
    'device of solver calls (an `on gpu` in the file wins). --budget test lets simulations shrink their budget.\n' +
    'Exit 0 all passed, 1 an expectation or check failed, 2 an error.\n' + clusterHelp,
  async run(args) {
    const p = parseArgs(args, ['json']);
    const file = p.positionals[0];
    if (!file) throw new Error('which file? usage: theorylab run FILE.tlab [--json] [--out DIR] [--device cpu|gpu|auto]');
    if (!fs.existsSync(file)) throw new Error(`file not found: ${file}`);
    const device = (option(p, 'device') ?? 'auto') as Device;
    if (!['cpu', 'gpu', 'auto'].includes(device)) throw new Error('--device must be cpu, gpu or auto');
    const budget = (option(p, 'budget') ?? 'full') as 'full' | 'test';
    if (!['full', 'test'].includes(budget)) throw new Error('--budget must be full or test');
    const json = p.flags.has('json');
    let res: { exitCode: 0 | 1 | 2; report: unknown; text: string };
    if (file.endsWith('.tlab')) {
      const runner: SolverRunner = slurmRunnerFromArgs(p, file) ?? new InProcessRunner();
      try {
        res = await runTlabFile(file, { json, out: option(p, 'out'), device, runner, budget });
      } finally { runner.dispose?.(); }
    } else if (file.endsWith('.clevr')) {
      res = await runClevrFile(file, { json });
    } else throw new Error(`cannot run '${file}': expected a .tlab or .clevr file`);
    console.log(json ? JSON.stringify(res.report) : res.text);
    return res.exitCode;
  },
};
