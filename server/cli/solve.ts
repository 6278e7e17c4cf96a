// `theorylab solve <id> --param name=value ... [--device cpu|gpu|auto] [--seed N] [--json]`
import { getSolver, solverIds } from '../solvers/index';
import { didYouMean, Value } from '../solvers/registry';
import { InProcessRunner } from '../engine/runner';
import { CliCommand, option, parseArgs, parseCliValue } from './args';

export const solveCommand: CliCommand = {
  name: 'solve',
  usage: 'solve <id> --param name=value ... [--device cpu|gpu|auto] [--json]',
  summary: 'run one solver and print its outputs',
  async run(args) {
    const p = parseArgs(args, ['json']);
    const id = p.positionals[0];
    if (!id) throw new Error(`which solver? one of: ${solverIds().join(', ')}`);
    const def = getSolver(id);
    if (!def) {
      const s = didYouMean(id, solverIds());
      throw new Error(`unknown solver '${id}'${s ? ` — did you mean '${s}'?` : ''}`);
    }
    const params: Record<string, Value> = {};
    for (const kv of p.options.get('param') ?? []) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`--param expects name=value, got '${kv}'`);
      params[kv.slice(0, eq)] = parseCliValue(kv.slice(eq + 1)) as Value;
    }
    const device = (option(p, 'device') ?? 'auto') as 'cpu' | 'gpu' | 'auto';
    if (!['cpu', 'gpu', 'auto'].includes(device)) throw new Error(`--device must be cpu, gpu or auto`);
    const seed = option(p, 'seed') !== undefined ? Number(option(p, 'seed')) : 0;
    const runner = new InProcessRunner();
    const res = await runner.solve({ solver: id, params, device, seed });
    if (p.flags.has('json')) {
      console.log(JSON.stringify({ ...res.outputs, backend: res.backend, seconds: res.seconds, warnings: res.warnings }));
    } else {
      for (const o of def.outputs) console.log(`${o.name} = ${JSON.stringify(res.outputs[o.name])}`);
      for (const w of res.warnings) console.log(`warning: ${w}`);
      console.log(`(${res.backend}, ${res.seconds.toFixed(3)} s)`);
    }
    return 0;
  },
};
