// The `theorylab.*` settings as the server uses them: one typed, validated object. This is the only
// server file that knows setting names. The server reads the section with workspace/configuration at
// `initialized` and again on every workspace/didChangeConfiguration (a client without that capability
// pushes the section instead); until then the copy in initializationOptions.settings applies.
// Every number is clamped to what its consumer can take (a timer takes at most 2^31-1 ms), and each
// value that had to be replaced is reported once, by name, so a typo in settings.json is visible.
import type { ClusterSettings } from './cluster/settings';
import type { Device } from './solvers/registry';

export interface TheoryLabSettings {
  /** theorylab.device: the backend of solver calls without their own `on gpu|cpu|auto`. */
  device: Device;
  /** theorylab.solver.timeoutSeconds: wall-clock limit of one solver job. */
  solverTimeoutSeconds: number;
  /** theorylab.autoRun.maxSeconds: blocks estimated below this re-run as you type; 0 = never. */
  autoRunMaxSeconds: number;
  /** theorylab.inlayHints.enabled (applied by the client; kept here so the object is complete). */
  inlayHintsEnabled: boolean;
  /** theorylab.cluster.* */
  cluster: ClusterSettings;
  /** theorylab.python: the interpreter of workspace solvers; undefined = the workspace's .venv, else python3. */
  python?: string;
}

/** Node's timers hold a signed 32-bit millisecond count; a longer delay fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The longest solver time limit a timer can represent, in whole seconds (24.8 days). */
export const MAX_TIMEOUT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);
/** A Slurm array larger than this is a typo, not a request (Slurm's own MaxArraySize default is 1001). */
const MAX_ARRAY_LIMIT = 1_000_000;
const MAX_GPUS_PER_TASK = 1024;

export const DEFAULT_SETTINGS: TheoryLabSettings = {
  device: 'auto',
  solverTimeoutSeconds: 300,
  autoRunMaxSeconds: 1,
  inlayHintsEnabled: true,
  cluster: { backend: 'local' },
};

export interface ParsedSettings {
  settings: TheoryLabSettings;
  /** One line per value that was invalid or out of range and what was used instead. */
  problems: string[];
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The `theorylab` section in any of the shapes a client sends it: the section itself (workspace/
 * configuration, and initializationOptions.settings of this extension's client), wrapped as
 * `{ theorylab: {...} }` (didChangeConfiguration), or the older flat keys `solverTimeoutSeconds`,
 * `autoRunMaxSeconds`, `inlayHintsEnabled`. A missing value takes its default: every shape is the whole
 * section, never a patch.
 */
export function parseSettings(raw: unknown): ParsedSettings {
  const problems: string[] = [];
  let s: Raw = isObject(raw) ? raw : {};
  if (isObject(s.theorylab)) s = s.theorylab;
  const nested = (group: string, key: string, flat: string): unknown => {
    const g = s[group];
    if (isObject(g) && g[key] !== undefined) return g[key];
    if (s[`${group}.${key}`] !== undefined) return s[`${group}.${key}`];
    return s[flat];
  };

  const number = (name: string, v: unknown, def: number, min: number, max: number, integer = false): number => {
    if (v === undefined || v === null) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      problems.push(
        `theorylab.${name}: ${JSON.stringify(v)} is not ${integer ? 'an integer' : 'a number'}; using ${def}`,
      );
      return def;
    }
    if (v < min || v > max) {
      const used = Math.min(max, Math.max(min, v));
      problems.push(`theorylab.${name}: ${v} is outside [${min}, ${max}]; using ${used}`);
      return used;
    }
    return v;
  };
  const text = (name: string, v: unknown): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      problems.push(`theorylab.${name}: ${JSON.stringify(v)} is not a string; ignored`);
      return undefined;
    }
    return v.trim() || undefined;
  };

  let device: Device = DEFAULT_SETTINGS.device;
  if (s.device !== undefined && s.device !== null) {
    if (s.device === 'auto' || s.device === 'cpu' || s.device === 'gpu') device = s.device;
    else problems.push(`theorylab.device: ${JSON.stringify(s.device)} is not auto, cpu or gpu; using auto`);
  }

  const inlay = nested('inlayHints', 'enabled', 'inlayHintsEnabled');
  let inlayHintsEnabled = DEFAULT_SETTINGS.inlayHintsEnabled;
  if (typeof inlay === 'boolean') inlayHintsEnabled = inlay;
  else if (inlay !== undefined && inlay !== null)
    problems.push(`theorylab.inlayHints.enabled: ${JSON.stringify(inlay)} is not a boolean; using true`);

  const c = isObject(s.cluster) ? s.cluster : {};
  let backend: ClusterSettings['backend'] = 'local';
  if (c.backend === 'slurm' || c.backend === 'local') backend = c.backend;
  else if (c.backend !== undefined && c.backend !== null)
    problems.push(`theorylab.cluster.backend: ${JSON.stringify(c.backend)} is not local or slurm; using local`);
  const positive = (name: string, v: unknown, max: number) => {
    const n = number(`cluster.${name}`, v, 0, 0, max, true);
    return n > 0 ? n : undefined; // 0 means "not set" for both
  };
  let preamble: string[] | undefined;
  if (Array.isArray(c.preamble)) preamble = c.preamble.filter((l): l is string => typeof l === 'string');
  else if (c.preamble !== undefined && c.preamble !== null)
    problems.push('theorylab.cluster.preamble: not a list of strings; ignored');
  const cluster: ClusterSettings = {
    backend,
    partition: text('cluster.partition', c.partition),
    account: text('cluster.account', c.account),
    time: text('cluster.time', c.time),
    gpusPerTask: positive('gpusPerTask', c.gpusPerTask, MAX_GPUS_PER_TASK),
    arrayLimit: positive('arrayLimit', c.arrayLimit, MAX_ARRAY_LIMIT),
    resultsDir: text('cluster.resultsDir', c.resultsDir),
    cliCommand: text('cluster.cliCommand', c.cliCommand),
    preamble,
  };
  // unset keys are absent, not undefined: equal settings compare equal however they were written
  for (const k of Object.keys(cluster) as (keyof ClusterSettings)[]) if (cluster[k] === undefined) delete cluster[k];

  const python = text('python', s.python);

  return {
    settings: {
      ...(python ? { python } : {}),
      device,
      solverTimeoutSeconds: number(
        'solver.timeoutSeconds',
        nested('solver', 'timeoutSeconds', 'solverTimeoutSeconds'),
        DEFAULT_SETTINGS.solverTimeoutSeconds,
        1,
        MAX_TIMEOUT_SECONDS,
      ),
      autoRunMaxSeconds: number(
        'autoRun.maxSeconds',
        nested('autoRun', 'maxSeconds', 'autoRunMaxSeconds'),
        DEFAULT_SETTINGS.autoRunMaxSeconds,
        0,
        MAX_TIMEOUT_SECONDS,
      ),
      inlayHintsEnabled,
      cluster,
    },
    problems,
  };
}

export interface SettingsSource {
  /** workspace/configuration for the `theorylab` section; undefined when the client cannot answer. */
  pull?(): Promise<unknown>;
  /** Receives every new settings object (also when nothing changed: consumers compare cheaply). */
  apply(settings: TheoryLabSettings): void;
  log(message: string): void;
}

/** How long the server waits for workspace/configuration before it keeps what it has. */
const PULL_TIMEOUT_MS = 2000;

/** The current settings and how they get updated: the server holds one of these. */
export class SettingsStore {
  private value: TheoryLabSettings = DEFAULT_SETTINGS;
  private reported = new Set<string>();

  constructor(private readonly source: SettingsSource) {}

  current(): TheoryLabSettings {
    return this.value;
  }

  /** Applies a section the client sent (initializationOptions.settings, a pushed change). */
  set(raw: unknown): void {
    const { settings, problems } = parseSettings(raw);
    // each problem once per session, not once per re-read
    for (const p of problems)
      if (!this.reported.has(p)) {
        this.reported.add(p);
        this.source.log(`settings: ${p}`);
      }
    this.value = settings;
    this.source.apply(settings);
  }

  /**
   * Re-reads the section: pulled from the client when it supports workspace/configuration, else the
   * pushed copy (`pushed`, didChangeConfiguration's settings). Neither: the current value stays.
   */
  async refresh(pushed?: unknown): Promise<void> {
    if (this.source.pull) {
      try {
        const pulled = await Promise.race([
          this.source.pull(),
          new Promise<undefined>((r) => setTimeout(() => r(undefined), PULL_TIMEOUT_MS).unref()),
        ]);
        if (isObject(pulled)) {
          this.set(pulled);
          return;
        }
      } catch (e) {
        this.source.log(
          `settings: workspace/configuration failed (${(e as Error)?.message ?? e}); using the pushed settings`,
        );
      }
    }
    if (isObject(pushed)) this.set(pushed);
  }
}
