// `theorylab solve <id> --param name=value ... [--device cpu|gpu|auto] [--seed N] [--json]`
// Runs through the same engine as the editor: a forked solver host (time and memory limits, crash
// isolation) behind the result cache in `.theorylab/cache` of the workspace root (the current
// directory's nearest ancestor with .git or package.json, else the current directory). `--in-process`
// skips the host (same kernels and cache), `--no-cache` recomputes. The JSON output carries
// `backend` ('cpu' or 'webgpu:<adapter>'), `seconds`, `warnings` and `cached` when served from cache.
import path from 'node:path';
import { getSolver, solverIds } from '../solvers/index';
import { didYouMean, Value } from '../solvers/registry';
import { createRunner } from '../engine/factory';
import { parseSeconds } from '../engine/limits';
import { cliWorkspaceRoot } from '../workspace/confine';
import { CliCommand, option, parseArgs, parseParams } from './args';
import { interruptible, onInterrupt } from './interrupt';

export const solveCommand: CliCommand = {
  name: 'solve',
  usage: 'solve <id> --param name=value ... [--seed N] [--device cpu|gpu|auto] [--timeout S] [--memory MIB] [--no-cache] [--in-process] [--json]',
  summary: 'run one solver and print its outputs',
  help: 'Options: --param name=value (repeatable), --seed N, --device cpu|gpu|auto (default auto: a hardware GPU when present),\n' +
    '--timeout SECONDS (default 0 = none), --memory MIB (solver host limit, default 75% of RAM), --no-cache, --in-process, --json.\n' +
    'Results are cached in .theorylab/cache at the workspace root (the nearest folder with .git or package.json, else the\n' +
    'current directory; key: solver id, version, parameters, seed).',
  async run(args) {
    const p = parseArgs(args, ['json', 'no-cache', 'in-process'], ['param', 'seed', 'device', 'timeout', 'memory']);
    const id = p.positionals[0];
    if (!id) throw new Error(`which solver? one of: ${solverIds().join(', ')}`);
    const def = getSolver(id);
    if (!def) {
      const s = didYouMean(id, solverIds());
      throw new Error(`unknown solver '${id}'${s ? ` — did you mean '${s}'?` : ''}`);
    }
    const names = def.params.map((d) => d.name);
    const params = { ...parseParams(p.options.get('param') ?? [], id, names, (n) => didYouMean(n, names)) } as Record<string, Value>;
    const device = (option(p, 'device') ?? 'auto') as 'cpu' | 'gpu' | 'auto';
    if (!['cpu', 'gpu', 'auto'].includes(device)) throw new Error(`--device must be cpu, gpu or auto`);
    const seedText = option(p, 'seed');
    const seed = seedText !== undefined ? Number(seedText) : 0;
    if (!Number.isSafeInteger(seed)) throw new Error(`--seed expects an integer, got '${seedText}'`);
    const timeoutText = option(p, 'timeout');
    const timeoutSeconds = timeoutText !== undefined ? parseSeconds(timeoutText, '--timeout') : 0;
    const memoryText = option(p, 'memory');
    const memoryLimitMb = memoryText !== undefined ? Number(memoryText) : undefined;
    if (memoryLimitMb !== undefined && !(memoryLimitMb > 0)) throw new Error(`--memory expects a number of MiB > 0, got '${memoryText}'`);
    const runner = createRunner({
      device, timeoutSeconds, timeoutOrigin: '--timeout', memoryLimitMb,
      inProcess: p.flags.has('in-process'),
      noCache: p.flags.has('no-cache'),
      // at the workspace root, not in the current directory: one cache per workspace, wherever it is run
      cacheDir: path.join(cliWorkspaceRoot(undefined), '.theorylab', 'cache'),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    // Ctrl-C / SIGTERM: the call is cancelled and the solver host (with its solver processes) killed
    const unregister = onInterrupt(() => runner.dispose());
    try {
      const res = await interruptible(runner).solve({ solver: id, params, device, seed });
      if (p.flags.has('json')) {
        console.log(JSON.stringify({ ...res.outputs, backend: res.backend, seconds: res.seconds, warnings: res.warnings, ...(res.cached ? { cached: true } : {}) }));
      } else {
        for (const o of def.outputs) console.log(`${o.name} = ${JSON.stringify(res.outputs[o.name])}`);
        for (const w of res.warnings) console.log(`warning: ${w}`);
        console.log(`(${res.backend}, ${res.seconds.toFixed(3)} s${res.cached ? ', cached' : ''})`);
      }
    } finally {
      unregister();
      runner.dispose();
    }
    return 0;
  },
};
