// The parser reads tokens as a table (lexer.ts TokenTable) and makes token objects only on demand: the
// objects it hands out must be the lexer's tokens exactly (with misspelt keywords retagged, as the
// object path did), and over-deeply nested files (the token-object path) must parse the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from '../../bench/tlab-parse.bench';
import { lexTable, lexTlab, tableTokens, tokenTable } from './lexer';
import { clearParseCache, parseTlab } from './parser';
import { fixMisspeltKeywords } from './parseSupport';
import { fastParseChunk, fastParseTable } from './fastParse';

const samples = [
  generate(300, 5),
  'lte x = 1\nexperimnt e "t" { sweep a = [1, 2]\n expect a > 0 }\n',
  'let s = "open\nlet t = 2 // c\n/* block */ let u = [1, 2',
  `let deep = ${'('.repeat(120)}1${')'.repeat(120)}\nlet ok = 2\n`,
  `experiment e { let x = 2${'^2'.repeat(130)} }\nlet y = x\n`,
  '',
];

test('parseTlab hands out the lexer\'s tokens (misspelt keywords retagged), made once', () => {
  for (const text of samples) {
    clearParseCache();
    const p = parseTlab(text);
    const ref = lexTlab(text).tokens;
    fixMisspeltKeywords(ref, text);
    assert.deepStrictEqual(p.tokens, ref);
    assert.equal(p.tokens, p.tokens, 'the same array each time');
  }
});

test('a table of token objects gives those objects back, and the fast reader the same AST on either', () => {
  for (const text of samples) {
    const toks = lexTlab(text).tokens;
    assert.deepStrictEqual(tableTokens(tokenTable(toks)), toks);
    assert.deepStrictEqual(tableTokens(lexTable(text).table), toks);
    assert.deepStrictEqual(fastParseTable(tokenTable(toks), 0, toks.length), fastParseChunk(toks, 0, toks.length));
  }
});
