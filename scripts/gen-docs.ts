// Writes docs/language.md and docs/solvers.md from the grammar and the solver registry.
// Run: node --import tsx scripts/gen-docs.ts   (server/tlab/gendocs.test.ts fails when they are stale)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedDocs } from '../server/tlab/gendocs';

const root = path.resolve(__dirname, '..');
for (const [rel, text] of Object.entries(generatedDocs(root))) {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (old === text) { console.log(`${rel}: up to date`); continue; }
  fs.writeFileSync(file, text);
  console.log(`${rel}: written`);
}
