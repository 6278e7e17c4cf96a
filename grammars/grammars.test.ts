// The TextMate grammars, tokenized by the same engine VS Code uses (vscode-textmate + Oniguruma WASM):
// catches regexes Oniguruma rejects and scopes that drift, for both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const dir = __dirname;
let registry: vsctm.Registry | undefined;
async function grammar(scope: 'source.tlab' | 'source.clevr'): Promise<vsctm.IGrammar> {
  if (!registry) {
    const wasm = fs.readFileSync(path.join(require.resolve('vscode-oniguruma'), '..', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    registry = new vsctm.Registry({
      onigLib: Promise.resolve({ createOnigScanner: (s) => new oniguruma.OnigScanner(s), createOnigString: (s) => new oniguruma.OnigString(s) }),
      loadGrammar: async (name) => {
        const file = name === 'source.tlab' ? 'tlab.tmLanguage.json' : name === 'source.clevr' ? 'clevr.tmLanguage.json' : null;
        return file ? vsctm.parseRawGrammar(fs.readFileSync(path.join(dir, file), 'utf8'), path.join(dir, file)) : null;
      },
    });
  }
  const g = await registry.loadGrammar(scope);
  assert.ok(g, `grammar ${scope} loads`);
  return g;
}

/** Tokenizes `text`; returns for each token its text and the innermost scope. */
async function tokens(scope: 'source.tlab' | 'source.clevr', text: string): Promise<[string, string][]> {
  const g = await grammar(scope);
  let stack = vsctm.INITIAL;
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    const r = g.tokenizeLine(line, stack);
    for (const t of r.tokens) out.push([line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]]);
    stack = r.ruleStack;
  }
  return out;
}
const scopeOf = (ts: [string, string][], text: string) => ts.find(([t]) => t.trim() === text)?.[1];

test('tlab: keywords, solver ids, members, numbers, strings, comments', async () => {
  const ts = await tokens('source.tlab', [
    'experiment bo "title" {',
    '  sweep alpha = geomspace(2, 70, 21)   // grid',
    '  solve bo = scaling.bayes_optimal(d = d, alpha = alpha) on gpu',
    '  plot "p" { x = alpha label "a" scale log }',
    '  expect bo.eps[alpha = 2] ≈ 0.002422 within 1% where bo.k_c >= 10 and not x',
    '}',
    '/* block',
    '   comment */ let f(u) = tanh(u)',
  ].join('\n'));
  assert.equal(scopeOf(ts, 'experiment'), 'keyword.other.block.tlab');
  assert.equal(scopeOf(ts, 'bo'), 'entity.name.function.block.tlab');
  assert.equal(scopeOf(ts, '"'), 'punctuation.definition.string.begin.tlab');
  assert.equal(scopeOf(ts, 'sweep'), 'keyword.other.statement.tlab');
  assert.equal(scopeOf(ts, 'geomspace'), 'support.function.builtin.tlab');
  assert.equal(scopeOf(ts, '// grid'), undefined); // split into punctuation + text:
  assert.equal(scopeOf(ts, 'grid'), 'comment.line.double-slash.tlab');
  assert.equal(scopeOf(ts, 'scaling'), 'entity.name.namespace.solver.tlab');
  assert.equal(scopeOf(ts, 'bayes_optimal'), 'support.function.solver.tlab');
  assert.equal(scopeOf(ts, 'gpu'), 'constant.language.device.tlab');
  assert.equal(scopeOf(ts, 'log'), 'constant.language.scale.tlab');
  assert.equal(scopeOf(ts, 'label'), 'keyword.other.tlab');
  assert.equal(scopeOf(ts, 'expect'), 'keyword.control.assert.tlab');
  assert.equal(scopeOf(ts, 'eps'), 'variable.other.property.tlab');
  assert.equal(scopeOf(ts, '≈'), 'keyword.operator.comparison.tlab');
  assert.equal(scopeOf(ts, '0.002422'), 'constant.numeric.tlab');
  assert.equal(scopeOf(ts, '1%'), 'constant.numeric.percentage.tlab');
  assert.equal(scopeOf(ts, 'within'), 'keyword.control.clause.tlab');
  assert.equal(scopeOf(ts, 'and'), 'keyword.operator.logical.tlab');
  assert.equal(scopeOf(ts, 'block'), 'comment.block.tlab');
  assert.equal(scopeOf(ts, 'comment'), 'comment.block.tlab');
  assert.equal(scopeOf(ts, 'f'), 'entity.name.function.tlab');
  assert.equal(scopeOf(ts, 'tanh'), 'support.function.builtin.tlab');
});

test('tlab: derivations — given shapes and domains, f\', .T, @, Greek names', async () => {
  const ts = await tokens('source.tlab', [
    'derivation pcn {',
    '  given A: matrix(5, 5) spd, x1: vector(4)',
    '  let ε = 1e-3',
    "  check grad(E, x1) == f'(x1) * (th1.T @ (x0 - mu0)) within 1e-9 at 20 points",
    '}',
  ].join('\n'));
  assert.equal(scopeOf(ts, 'given'), 'keyword.other.given.tlab');
  assert.equal(scopeOf(ts, 'A'), 'variable.parameter.given.tlab');
  assert.equal(scopeOf(ts, 'matrix'), 'storage.type.shape.tlab');
  assert.equal(scopeOf(ts, 'spd'), 'storage.modifier.domain.tlab');
  assert.equal(scopeOf(ts, 'ε'), 'variable.other.constant.definition.tlab');
  assert.equal(scopeOf(ts, '1e-3'), 'constant.numeric.tlab');
  assert.equal(scopeOf(ts, 'check'), 'keyword.control.assert.tlab');
  assert.equal(scopeOf(ts, "'"), 'keyword.operator.derivative.tlab');
  assert.equal(scopeOf(ts, 'T'), 'keyword.operator.transpose.tlab');
  assert.equal(scopeOf(ts, '@'), 'keyword.operator.matmul.tlab');
  assert.equal(scopeOf(ts, 'points'), 'keyword.control.clause.tlab');
});

test('clevr: scenes, programs, concepts, evals', async () => {
  const ts = await tokens('source.clevr', [
    'scene tiny {',
    '  object a: large red metal cube at (1.0, -2.0)',
    '}',
    'scenes val from "data/scenes.json"',
    'program n_large = count(filter_size(scene(), large))',
    'eval n_large on tiny expect 2 mode soft',
  ].join('\n'));
  assert.equal(scopeOf(ts, 'tiny'), 'entity.name.type.block.clevr');
  assert.equal(scopeOf(ts, 'a'), 'variable.other.object.clevr');
  assert.equal(scopeOf(ts, 'red'), 'constant.language.concept.color.clevr');
  assert.equal(scopeOf(ts, 'metal'), 'constant.language.concept.material.clevr');
  assert.equal(scopeOf(ts, 'cube'), 'constant.language.concept.shape.clevr');
  assert.equal(scopeOf(ts, 'at'), 'keyword.other.clevr');
  assert.equal(scopeOf(ts, 'val'), 'variable.other.definition.clevr');
  assert.equal(scopeOf(ts, 'from'), 'keyword.control.import.clevr');
  assert.equal(scopeOf(ts, 'n_large'), 'entity.name.function.program.clevr');
  assert.equal(scopeOf(ts, 'filter_size'), 'support.function.clevr');
  // `scene tiny {` declares, `scene()` calls.
  assert.deepEqual(ts.filter(([t]) => t === 'scene').map(([, sc]) => sc), ['keyword.other.block.clevr', 'support.function.clevr']);
  assert.equal(scopeOf(ts, 'eval'), 'keyword.other.clevr');
  assert.equal(scopeOf(ts, 'expect'), 'keyword.control.assert.clevr');
  assert.equal(scopeOf(ts, 'soft'), 'constant.language.mode.clevr');
});

test('clevr: lexicon entries — CCG categories, lambdas (\\x. and λx.), weights', async () => {
  const ts = await tokens('source.clevr', [
    'lexicon small {',
    '  "left of"       : (N\\N)/NP := \\y. λx. intersect(x, relate(y, left))   weight 0.7',
    '}',
    'sentence "how many red spheres" on tiny using small expect 1',
  ].join('\n'));
  assert.equal(scopeOf(ts, 'small'), 'entity.name.type.block.clevr');
  assert.equal(scopeOf(ts, '"left of"'), 'string.quoted.double.word.clevr');
  assert.equal(scopeOf(ts, 'NP'), 'entity.name.type.category.clevr');
  assert.equal(scopeOf(ts, 'N'), 'entity.name.type.category.clevr');
  assert.equal(scopeOf(ts, '/'), 'keyword.operator.slash.ccg.clevr');
  assert.equal(scopeOf(ts, '\\'), 'keyword.operator.slash.ccg.clevr');
  assert.equal(scopeOf(ts, ':='), 'keyword.operator.definition.clevr');
  assert.equal(scopeOf(ts, 'λ'), 'storage.type.function.lambda.clevr');
  assert.equal(ts.filter(([, s]) => s === 'variable.parameter.lambda.clevr').map(([t]) => t).join(','), 'y,x');
  assert.equal(scopeOf(ts, 'intersect'), 'support.function.clevr');
  assert.equal(scopeOf(ts, 'left'), 'constant.language.relation.clevr');
  assert.equal(scopeOf(ts, 'weight'), 'keyword.other.clevr');
  assert.equal(scopeOf(ts, 'sentence'), 'keyword.other.clevr');
  assert.equal(scopeOf(ts, 'using'), 'keyword.other.clevr');
});

test('language configurations declare // and /* */ comments, brackets and folding markers', () => {
  for (const lang of ['tlab', 'clevr']) {
    const c = JSON.parse(fs.readFileSync(path.join(dir, `${lang}.language-configuration.json`), 'utf8'));
    assert.equal(c.comments.lineComment, '//');
    assert.deepEqual(c.comments.blockComment, ['/*', '*/']);
    assert.deepEqual(c.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
    assert.ok(c.autoClosingPairs.some((p: { open: string }) => p.open === '"'));
    assert.match('// region setup', new RegExp(c.folding.markers.start));
    assert.match('  // endregion', new RegExp(c.folding.markers.end));
  }
});
