import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedDocs } from './gendocs';
import { allSolvers } from '../solvers/index';

const root = path.join(__dirname, '..', '..');

test('docs/language.md and docs/solvers.md are up to date (regenerate: node --import tsx scripts/gen-docs.ts)', () => {
  for (const [rel, text] of Object.entries(generatedDocs(root))) {
    const file = path.join(root, rel);
    assert.ok(fs.existsSync(file), `${rel} is missing: run node --import tsx scripts/gen-docs.ts`);
    assert.ok(fs.readFileSync(file, 'utf8') === text, `${rel} is out of date: run node --import tsx scripts/gen-docs.ts`);
  }
});

test('the generated docs cover every solver parameter and the spec examples', () => {
  const docs = generatedDocs(root);
  for (const s of allSolvers) {
    assert.ok(docs['docs/solvers.md'].includes(`## ${s.id}`), s.id);
    for (const p of s.params) assert.ok(docs['docs/solvers.md'].includes(`| \`${p.name}\` |`), `${s.id}.${p.name}`);
  }
  assert.ok(docs['docs/language.md'].includes('experiment bo_scaling'));
  assert.ok(docs['docs/language.md'].includes('derivation woodbury'));
  assert.ok(docs['docs/language.md'].includes('`slope(y, x)`'));
});
