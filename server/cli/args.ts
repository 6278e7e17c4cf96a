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

/**
 * `booleanFlags` lists the options that take no value. With `valueOptions`, an option named in neither
 * list is refused (a misspelt `--timout 5` must not be silently ignored).
 */
export function parseArgs(args: string[], booleanFlags: string[] = [], valueOptions?: string[]): ParsedArgs {
  const out: ParsedArgs = { positionals: [], flags: new Set(), options: new Map() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) { out.positionals.push(a); continue; }
    const eq = a.indexOf('=');
    const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (valueOptions && !booleanFlags.includes(key) && !valueOptions.includes(key)) {
      const known = [...booleanFlags, ...valueOptions].map((k) => `--${k}`).join(', ');
      throw new Error(`unknown option --${key} (known: ${known})`);
    }
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

/** Names a `--param` may never have: they would reach an object's prototype instead of a parameter. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty']);

/**
 * `--param name=value` pairs as a parameter object (no prototype): each name must be a declared
 * parameter of the solver (`declared`), given once; reserved and unknown names are refused with the
 * list of the solver's parameters.
 */
export function parseParams(pairs: string[], solver: string, declared: string[], suggest?: (n: string) => string | undefined): Record<string, unknown> {
  const params: Record<string, unknown> = Object.create(null);
  for (const kv of pairs) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`--param expects name=value, got '${kv}'`);
    const name = kv.slice(0, eq).trim();
    if (RESERVED.has(name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`--param '${name}' is not a parameter name`);
    if (!declared.includes(name)) {
      const s = suggest?.(name);
      throw new Error(`\`${solver}\` has no parameter '${name}'${s ? ` — did you mean '${s}'?` : ''} (parameters: ${declared.join(', ') || 'none'})`);
    }
    if (name in params) throw new Error(`--param ${name} is given twice`);
    params[name] = parseCliValue(kv.slice(eq + 1));
  }
  return params;
}
