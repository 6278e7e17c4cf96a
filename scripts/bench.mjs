// `npm run bench [-- NAME...]`: runs every bench/*.bench.ts (or those whose file name contains one of
// the NAMEs) in sequence through tsx. Each benchmark prints one markdown section on stdout; this runner
// echoes it when the benchmark ends and appends it to bench/RESULTS.md, under one header per run with
// the date, the git commit, the machine (CPU model, cores, memory) and the command. Sections are
// appended one by one, so an interrupted run keeps what it measured. Convention: bench/README.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = (fs.existsSync(benchDir) ? fs.readdirSync(benchDir) : [])
  .filter((f) => f.endsWith('.bench.ts') && (!filters.length || filters.some((n) => f.includes(n)))).sort();
if (!files.length) { console.error(`bench: no bench/*.bench.ts${filters.length ? ` matching ${filters.join(', ')}` : ''}`); process.exit(2); }

const git = (args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';
const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
const dirty = git(['status', '--porcelain', '--untracked-files=no']) ? ' (with uncommitted changes)' : '';
const cpus = os.cpus();
const machine = `${cpus[0]?.model?.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB memory, ` +
  `${os.type()} ${os.release()}, Node ${process.version}`;
const command = `npm run bench${filters.length ? ` -- ${filters.join(' ')}` : ''}`;
const header = [`## ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} — commit ${commit}${dirty}`, '',
  `- machine: ${machine}`, `- command: \`${command}\``, ''].join('\n');
console.log(header);

const results = path.join(benchDir, 'RESULTS.md');
if (!fs.existsSync(results)) {
  fs.writeFileSync(results, '# Benchmark results\n\nAppended by `npm run bench` (scripts/bench.mjs); newest last. ' +
    'Times are from one run on the machine named in each header; compare ratios, not absolute times, across machines.\n');
}
// Each section is appended as soon as its benchmark ends (the header just before the first one), so
// an interrupted run keeps what it measured.
let headerWritten = false;
const append = (section) => {
  fs.appendFileSync(results, `${headerWritten ? '' : `\n${header}`}\n${section}\n`);
  headerWritten = true;
};

let failures = 0;
for (const f of files) {
  const t0 = Date.now();
  console.log(`\n[bench] ${f}`);
  // stdout is the markdown section (captured and echoed); stderr is progress and goes straight through.
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', f)], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20,
  });
  const out = (r.stdout ?? '').trimEnd();
  process.stdout.write(out + '\n');
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    failures++;
    append(`${out ? out + '\n\n' : `### ${f}\n\n`}**FAILED** (exit ${r.status ?? r.signal}) after ${secs} s`);
  } else {
    append(`${out}\n\n_${f}: ${secs} s wall_`);
  }
}

console.log(`\n[bench] appended ${files.length} section(s) to ${path.relative(root, results)}${failures ? `; ${failures} FAILED` : ''}`);
process.exit(failures ? 1 : 0);
