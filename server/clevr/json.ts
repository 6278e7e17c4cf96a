// A small JSON parser that reports where a problem is: the JSON path (`scenes[3].objects[0].color`)
// and the text offset. JSON.parse only gives an offset for syntax errors and nothing for shape errors;
// scene and question imports need both to point the user at the broken entry.

export class JsonError extends Error {
  constructor(message: string, public readonly path: string, public readonly offset: number) {
    super(`${path ? `${path}: ` : ''}${message}`);
    this.name = 'JsonError';
  }
}

/** Offsets of parsed values, keyed by JSON path, for errors found after parsing. */
export interface JsonOffsets { get(path: string): number | undefined }

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`;
}

const MAX_DEPTH = 512;

/**
 * Parses JSON. Valid files go through the native JSON.parse (fast on large CLEVR files); the
 * path-tracking parser runs only to explain a syntax error, or lazily when a caller asks for the
 * offset of a path (an error found after parsing).
 */
export function parseJsonWithPaths(text: string): { value: unknown; offsets: JsonOffsets } {
  // A UTF-8 byte order mark (editors on Windows write one) is whitespace here: replaced by a space, not
  // cut, so that offsets still index the file's own text.
  if (text.charCodeAt(0) === 0xfeff) text = ` ${text.slice(1)}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return trackedParse(text); // throws a JsonError with the path of the problem
  }
  let offsets: Map<string, number> | undefined;
  return { value, offsets: { get: (p) => (offsets ??= trackedParse(text).offsets).get(p) } };
}

function trackedParse(text: string): { value: unknown; offsets: Map<string, number> } {
  const offsets = new Map<string, number>();
  let i = 0;
  const ws = () => { while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++; };
  const fail = (msg: string, path: string): never => { throw new JsonError(msg, path, Math.min(i, text.length)); };
  const describe = () => (i >= text.length ? 'end of file' : `'${text[i]}'`);

  function value(path: string, depth: number): unknown {
    if (depth > MAX_DEPTH) fail('nested too deeply', path);
    ws();
    offsets.set(path, i);
    const ch = text[i];
    if (ch === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe()}`, path);
        const key = string(path);
        ws();
        if (text[i] !== ':') fail(`expected ':' after property name, found ${describe()}`, joinPath(path, key));
        i++;
        obj[key] = value(joinPath(path, key), depth + 1);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return obj; }
        fail(`expected ',' or '}', found ${describe()}`, joinPath(path, key));
      }
    }
    if (ch === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value(joinPath(path, arr.length), depth + 1));
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return arr; }
        fail(`expected ',' or ']', found ${describe()}`, joinPath(path, arr.length - 1));
      }
    }
    if (ch === '"') return string(path);
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
      if (!m) fail(`malformed number`, path);
      i += m![0].length;
      return Number(m![0]);
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    return fail(`unexpected ${describe()}`, path);
  }

  function string(path: string): string {
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string', path);
      const c = text[i++];
      if (c === '"') return out;
      if (c === '\\') {
        const e = text[i++];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in map) out += map[e];
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4))) { out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16)); i += 4; }
        else fail('invalid escape in string', path);
      } else if (c < ' ') fail('control character in string', path);
      else out += c;
    }
  }

  const v = value('', 0);
  ws();
  if (i < text.length) fail(`unexpected ${describe()} after the end of the JSON value`, '');
  return { value: v, offsets };
}

/** 0-based line and column of an offset. */
export function offsetToLineCol(text: string, offset: number): { line: number; column: number } {
  let line = 0, last = -1;
  for (let k = 0; k < offset && k < text.length; k++) if (text.charCodeAt(k) === 10) { line++; last = k; }
  return { line, column: offset - last - 1 };
}
