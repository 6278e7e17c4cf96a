// Loads chevrotain (ESM-only) from this CommonJS code base. Plain `require` works under Node 20 and in
// the esbuild bundle; under tsx (unit tests) chevrotain's import-only sub-packages cannot be resolved,
// so in that case we bundle it once into a CommonJS file in the temp directory with esbuild.
import type * as Chevrotain from 'chevrotain';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function load(): typeof Chevrotain {
  // Under tsx the failure surfaces asynchronously in the module loader (not as a catchable throw), so
  // detect tsx up front: it registers a `.ts` require hook, which neither node nor the bundle has.
  const underTsx = !!(require as NodeRequire).extensions?.['.ts'] || process.execArgv.some((a) => a.includes('tsx'));
  try {
    if (underTsx) throw new Error('chevrotain cannot be required under tsx');
    return require('chevrotain');
  } catch (first) {
    // module.require is invisible to esbuild's static analysis: this fallback never runs in the bundle.
    const dynamicRequire = module.require.bind(module) as NodeRequire;
    let pkgDir: string;
    const found = findPackageDir(__dirname) ?? findPackageDir(process.cwd());
    if (!found) throw first;
    pkgDir = found;
    const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version as string;
    const out = path.join(os.tmpdir(), `theorylab-clevr-chevrotain-${version}-${process.getuid?.() ?? 0}.cjs`);
    if (!fs.existsSync(out)) {
      const esbuild = dynamicRequire('esbuild');
      const tmp = `${out}.${process.pid}.tmp`;
      esbuild.buildSync({
        entryPoints: [path.join(pkgDir, 'lib', 'src', 'api.js')], bundle: true, format: 'cjs',
        platform: 'node', target: 'node20', outfile: tmp, logLevel: 'silent',
      });
      fs.renameSync(tmp, out); // atomic: parallel test processes never see a half-written file
    }
    return dynamicRequire(out);
  }
}

/** node_modules/chevrotain in this directory or an ancestor ("exports" hides package.json from resolve). */
function findPackageDir(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', 'chevrotain');
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export const chevrotain: typeof Chevrotain = load();
