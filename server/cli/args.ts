// Small argument parser shared by the CLI subcommands: `--flag`, `--key value`, `--key=value`,
// repeatable keys (e.g. `--param a=1 --param b=2`) and positionals.

export interface CliCommand {
  name: string;          // 'solve', 'clevr eval'
  usage: string;         // 'solve <id> --param name=value ... [--json]'
  summary: string;
  help?: string;
  run(args: string[]): Promise<number>;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  options: Map<string, string[]>;
}

/** `booleanFlags` lists the options that take no value. */
export function parseArgs(args: string[], booleanFlags: string[] = []): ParsedArgs {
  const out: ParsedArgs = { positionals: [], flags: new Set(), options: new Map() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) { out.positionals.push(a); continue; }
    const eq = a.indexOf('=');
    const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (booleanFlags.includes(key) && eq < 0) { out.flags.add(key); continue; }
    let value: string;
    if (eq > 0) value = a.slice(eq + 1);
    else {
      if (i + 1 >= args.length) throw new Error(`option --${key} needs a value`);
      value = args[++i];
    }
    const list = out.options.get(key) ?? [];
    list.push(value);
    out.options.set(key, list);
  }
  return out;
}

export function option(p: ParsedArgs, key: string): string | undefined {
  const v = p.options.get(key);
  return v ? v[v.length - 1] : undefined;
}

/** Parses a parameter value written on the command line: number, boolean, JSON list, or word. */
export function parseCliValue(text: string): number | boolean | string | unknown[] {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?%$/.test(t)) return Number(t.slice(0, -1)) / 100;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (t.startsWith('[')) { try { return JSON.parse(t); } catch { /* fall through to a string */ } }
  return t;
}
