// `theorylab run FILE.tlab [--json] [--out DIR] [--device cpu|gpu|auto] [--budget full|test] [--timeout S]`:
// runs every experiment and derivation (or the evals and sentences of a .clevr file). Solver calls go
// through the same engine as the editor: a solver host process with the per-job time limit (--timeout)
// and memory limit (--memory), crash isolation and cancellation, behind an in-memory result cache.
// Ctrl-C / SIGTERM cancel the run (Slurm arrays included) and exit 130 / 143 (server/cli/interrupt.ts).
// Library chatter on stderr (Dawn's WebGPU limit notices, Vega's scale remarks) is shown only with
// --verbose. Exit 0 all passed, 1 an expectation or check failed, 2 an error.
import * as fs from 'node:fs';
import { CliCommand, option, parseArgs } from './args';
import { runTlabFile } from '../tlab/cli';
import { runClevrFile } from '../clevr/cli';
import { createRunner } from '../engine/factory';
import { parseSeconds } from '../engine/limits';
import type { SolverRunner } from '../engine/runner';
import type { Device } from '../solvers/registry';
import { clusterHelp, clusterUsage, slurmRunnerFromArgs } from '../cluster/cliOptions';
import { interruptible, onInterrupt } from './interrupt';

const CLUSTER_OPTIONS = ['backend', 'partition', 'account', 'array-limit', 'time', 'gpus-per-task', 'cpus-per-task', 'template', 'results', 'cli'];
const USAGE = `run FILE.tlab [--json] [--out DIR] [--device cpu|gpu|auto] [--budget full|test] [--timeout S] [--memory MIB] [--verbose] ${clusterUsage}`;

export const runCommand: CliCommand = {
  name: 'run',
  usage: USAGE,
  summary: 'run every experiment and derivation of a file',
  help: 'Runs every experiment and derivation of a .tlab file (or the evals and sentences of a .clevr file) and prints\n' +
    'each expectation and check; --json prints the report as one JSON object. --out DIR writes each plot as Vega-Lite\n' +
    'JSON, SVG and its data as CSV. --device picks the default device of solver calls (an `on gpu` in the file wins).\n' +
    '--budget test lets simulations shrink their budget. --timeout S limits each solver call to S seconds (default 0 =\n' +
    'none); --memory MIB limits the solver host (default 75% of RAM). --verbose also prints the solver host\'s and the\n' +
    'plotting library\'s own messages on stderr.\n' +
    'Exit 0 all passed, 1 an expectation or check failed, 2 an error.\n' + clusterHelp,
  async run(args) {
    const p = parseArgs(args, ['json', 'verbose'], ['out', 'device', 'budget', 'timeout', 'memory', ...CLUSTER_OPTIONS]);
    const file = p.positionals[0];
    if (!file) throw new Error(`which file? usage: theorylab ${USAGE}`);
    if (!fs.existsSync(file)) throw new Error(`file not found: ${file}`);
    const device = (option(p, 'device') ?? 'auto') as Device;
    if (!['cpu', 'gpu', 'auto'].includes(device)) throw new Error('--device must be cpu, gpu or auto');
    const budget = (option(p, 'budget') ?? 'full') as 'full' | 'test';
    if (!['full', 'test'].includes(budget)) throw new Error('--budget must be full or test');
    const timeoutText = option(p, 'timeout');
    const timeoutSeconds = timeoutText !== undefined ? parseSeconds(timeoutText, '--timeout') : 0;
    const memoryText = option(p, 'memory');
    const memoryLimitMb = memoryText !== undefined ? Number(memoryText) : undefined;
    if (memoryLimitMb !== undefined && !(memoryLimitMb > 0)) throw new Error(`--memory expects a number of MiB > 0, got '${memoryText}'`);
    const json = p.flags.has('json');
    const verbose = p.flags.has('verbose');
    let res: { exitCode: 0 | 1 | 2; report: unknown; text: string };
    if (file.endsWith('.tlab')) {
      const slurm = slurmRunnerFromArgs(p, file);
      const runner: SolverRunner = slurm ?? createRunner({
        device, timeoutSeconds, timeoutOrigin: '--timeout', memoryLimitMb,
        log: (line) => { if (verbose) process.stderr.write(`[solver host] ${line}\n`); },
      });
      // Ctrl-C / SIGTERM (server/cli/interrupt.ts): the calls in flight are cancelled through the
      // signal; the Slurm arrays submitted are scancel'ed before the CLI exits, the solver host and
      // the workspace solver processes it started are killed.
      const unregister = onInterrupt(async () => {
        if (slurm) {
          await slurm.cancelAll();
          const ids = slurm.submittedJobIds();
          if (ids.length) process.stderr.write(`theorylab: scancel ${ids.join(' ')}\n`);
        }
        runner.dispose?.();
      });
      try {
        res = await quietUnless(verbose, () => runTlabFile(file, { json, out: option(p, 'out'), device, runner: interruptible(runner), budget }));
      } finally { unregister(); runner.dispose?.(); }
    } else if (file.endsWith('.clevr')) {
      res = await quietUnless(verbose, () => runClevrFile(file, { json }));
    } else throw new Error(`cannot run '${file}': expected a .tlab or .clevr file`);
    console.log(json ? JSON.stringify(res.report) : res.text);
    return res.exitCode;
  },
};

/**
 * Runs `f` with console.warn silenced unless `verbose`: libraries (Vega's "x-scale's zero is dropped",
 * Dawn's limit notices) warn there about things the user did not do and cannot change.
 */
async function quietUnless<T>(verbose: boolean, f: () => Promise<T>): Promise<T> {
  if (verbose) return f();
  const warn = console.warn;
  console.warn = () => {};
  try { return await f(); } finally { console.warn = warn; }
}
