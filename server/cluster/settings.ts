// The editor's cluster settings (`theorylab.cluster.*`), as the server receives them: flat in the
// client's initializationOptions (`settings.cluster`) and nested under `theorylab.cluster` in
// workspace/didChangeConfiguration.
import * as path from 'node:path';
import type { SlurmOptions } from './slurm';

export interface ClusterSettings {
  backend: 'local' | 'slurm';
  partition?: string;
  account?: string;
  time?: string;
  gpusPerTask?: number;
  arrayLimit?: number;
  /** Shared results folder; relative paths are resolved against the workspace folder. */
  resultsDir?: string;
  /** Command that runs the Theory Lab CLI on the compute nodes. */
  cliCommand?: string;
  /** Extra job-script lines (module loads, #SBATCH extras). */
  preamble?: string[];
}

let current: ClusterSettings = { backend: 'local' };

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

/** Accepts `{cluster: {...}}`, `{theorylab: {cluster: {...}}}` or anything else (ignored). */
export function configureCluster(settings: unknown): void {
  const s = settings as { cluster?: unknown; theorylab?: { cluster?: unknown } } | undefined;
  const c = (s?.theorylab?.cluster ?? s?.cluster) as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object') return;
  current = {
    backend: c.backend === 'slurm' ? 'slurm' : 'local',
    partition: str(c.partition), account: str(c.account), time: str(c.time),
    gpusPerTask: int(c.gpusPerTask), arrayLimit: int(c.arrayLimit),
    resultsDir: str(c.resultsDir), cliCommand: str(c.cliCommand),
    preamble: Array.isArray(c.preamble) ? c.preamble.filter((l): l is string => typeof l === 'string') : undefined,
  };
}

export function clusterSettings(): ClusterSettings { return current; }

export function slurmOptionsFromSettings(s: ClusterSettings, workspaceRoot: string | undefined): SlurmOptions {
  const base = workspaceRoot ?? process.cwd();
  return {
    dir: path.resolve(base, s.resultsDir ?? path.join('.theorylab', 'slurm')),
    partition: s.partition, account: s.account, time: s.time, gpusPerTask: s.gpusPerTask, arrayLimit: s.arrayLimit,
    cliCommand: s.cliCommand, preamble: s.preamble,
  };
}
