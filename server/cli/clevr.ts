// `theorylab clevr eval --scenes S.json --questions Q.json [--mode symbolic|soft] [--json]`: executes
// CLEVR question programs on CLEVR scenes; JSON `{"answers": [...], "accuracy": x}` with one answer per
// question in file order, spelled as CLEVR does (null for an INVALID or malformed question).
import * as fs from 'node:fs';
import { CliCommand, option, parseArgs } from './args';
import { evaluateQuestions } from '../clevr/analysis';
import { JsonError, offsetToLineCol } from '../clevr/json';
import { parseQuestionsFile } from '../clevr/questions';
import { parseScenesFile } from '../clevr/scene';

function readJsonFile<T>(file: string, what: string, parse: (text: string) => T): T {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { throw new Error(`cannot read the ${what} file '${file}': ${(e as Error).message}`); }
  try { return parse(text); } catch (e) {
    if (e instanceof JsonError) {
      const lc = offsetToLineCol(text, e.offset);
      throw new Error(`malformed ${what} file ${file}:${lc.line + 1}:${lc.column + 1}: ${e.message}`);
    }
    throw e;
  }
}

export const clevrEvalCommand: CliCommand = {
  name: 'clevr eval',
  usage: 'clevr eval --scenes S.json --questions Q.json [--mode symbolic|soft] [--json]',
  summary: 'execute CLEVR question programs on CLEVR scenes; answers and accuracy',
  help: 'Executes every question program of a CLEVR questions file on its scene (matched by image_index)\n' +
    'and compares with the stored answers. --mode soft runs the neuro-symbolic executor (oracle embeddings).\n' +
    'JSON: {"answers": [...], "accuracy": x}. INVALID questions (unique on a set whose size is not 1) answer null and are skipped.',
  async run(args) {
    const p = parseArgs(args, ['json']);
    const scenesFile = option(p, 'scenes'), questionsFile = option(p, 'questions');
    if (!scenesFile || !questionsFile) throw new Error('needs --scenes S.json and --questions Q.json');
    const mode = option(p, 'mode') ?? 'symbolic';
    if (mode !== 'symbolic' && mode !== 'soft') throw new Error(`--mode must be symbolic or soft, got '${mode}'`);
    const sc = readJsonFile(scenesFile, 'scenes', (t) => parseScenesFile(t, 'scenes'));
    const qs = readJsonFile(questionsFile, 'questions', parseQuestionsFile);
    for (const e of [...sc.errors, ...qs.errors].slice(0, 20)) console.error(`warning: ${e.message}`);
    const res = evaluateQuestions(qs.questions, sc.scenes, mode);
    const answers: (string | null)[] = new Array(qs.count).fill(null);
    qs.questions.forEach((q, k) => { answers[q.index] = res.answers[k]; });
    if (p.flags.has('json')) {
      console.log(JSON.stringify({ answers, accuracy: res.accuracy }));
    } else {
      answers.forEach((a, k) => console.log(`${k}\t${a ?? 'INVALID'}`));
      console.log(`accuracy ${res.accuracy === null ? '— (no stored answers)' : `${(100 * res.accuracy).toFixed(2)}% (${res.correct}/${res.total})`}, ${res.invalid + (qs.count - qs.questions.length)} skipped (INVALID or malformed), mode ${mode}`);
    }
    return 0;
  },
};
