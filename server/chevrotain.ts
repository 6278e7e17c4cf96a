// Loads chevrotain (an ESM-only package) for both languages' parsers (server/tlab, server/clevr). Node 20 `require`s ESM natively
// and the esbuild bundle inlines it, but under tsx (the unit tests) tsx rewrites chevrotain's ESM into
// CommonJS and then cannot resolve its import-only sub-packages (tsx issue #239). In that one case we
// bundle chevrotain once into a CommonJS file in the temp directory with esbuild (a dev dependency)
// and load that instead.

import type * as Chevrotain from 'chevrotain';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

function load(): typeof Chevrotain {
  // Running from TypeScript source means tsx; the failing require cannot even be caught there.
  if (!__filename.endsWith('.ts')) return require('chevrotain');
  {
    // createRequire keeps esbuild from bundling esbuild itself: the fallback never runs inside the bundle.
    const dynamicRequire = createRequire(__filename);
    let pkgDir: string;
    const entry = dynamicRequire.resolve('chevrotain'); // <pkg>/lib/src/api.js
    pkgDir = path.resolve(path.dirname(entry), '..', '..');
    const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version as string;
    const out = path.join(os.tmpdir(), `theorylab-chevrotain-${version}-${process.getuid?.() ?? 0}.cjs`);
    if (!fs.existsSync(out)) {
      const esbuild = dynamicRequire('esbuild');
      const tmp = `${out}.${process.pid}.tmp`;
      esbuild.buildSync({
        entryPoints: [entry], bundle: true, format: 'cjs',
        platform: 'node', target: 'node20', outfile: tmp, logLevel: 'silent',
      });
      fs.renameSync(tmp, out); // atomic: parallel test processes never see a half-written file
    }
    return dynamicRequire(out);
  }
}

export const chevrotain: typeof Chevrotain = load();
