// An RFC 4180 CSV writer and reader for plot exports (the CLI's `--out`, the plots panel's CSV button):
// fields with commas, double quotes, CR or LF are quoted and their quotes doubled, rows end in CRLF
// as the RFC says, and the header is the union of the rows' keys in first-seen order. The reader is
// the tests' check that what the writer wrote parses back into equal-length rows.

export type CsvRow = Record<string, number | string | boolean | null | undefined>;

/** One field: empty for null/undefined, quoted when it holds a comma, quote, CR or LF (or edge spaces). */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV text of `rows`: a header line, then one line per row, every line CRLF-terminated. */
export function rowsToCsv(rows: CsvRow[]): string {
  const cols: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) { seen.add(k); cols.push(k); }
  const lines = [cols.map(csvField).join(','), ...rows.map((r) => cols.map((c) => csvField(r[c])).join(','))];
  return lines.map((l) => `${l}\r\n`).join('');
}

/** Parses RFC 4180 text (quoted fields may hold commas, doubled quotes and line breaks) into records. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false, i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' || c === '\n') {
      row.push(field); rows.push(row); row = []; field = '';
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += c; i++;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}
