// `theorylab clevr eval --scenes S.json --questions Q.json [--mode symbolic|soft] [--json]`: executes
// CLEVR question programs on CLEVR scenes; JSON `{"answers": [...], "accuracy": x}` with one answer per
// question in file order, spelled as CLEVR does (null for an INVALID or malformed question, or one
// whose image_index names no scene: each such question is a warning on stderr).
import * as fs from 'node:fs';
import { CliCommand, option, parseArgs } from './args';
import { evaluateQuestions, questionsSummary } from '../clevr/questionEval';
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
    'JSON: {"answers": [...], "accuracy": x}. INVALID questions (unique on a set whose size is not 1) answer null and are skipped;\n' +
    'so are malformed questions and those whose image_index names no scene (a warning on stderr for each).',
  async run(args) {
    const p = parseArgs(args, ['json']);
    const scenesFile = option(p, 'scenes'), questionsFile = option(p, 'questions');
    if (!scenesFile || !questionsFile) throw new Error('needs --scenes S.json and --questions Q.json');
    const mode = option(p, 'mode') ?? 'symbolic';
    if (mode !== 'symbolic' && mode !== 'soft') throw new Error(`--mode must be symbolic or soft, got '${mode}'`);
    const sc = readJsonFile(scenesFile, 'scenes', (t) => parseScenesFile(t, 'scenes'));
    const qs = readJsonFile(questionsFile, 'questions', parseQuestionsFile);
    const problems = [...sc.errors, ...sc.truncated, ...qs.errors].map((e) => e.message);
    const res = evaluateQuestions(qs.questions, sc.scenes, mode);
    if (res.noScenes) problems.push(`the scenes file ${scenesFile} holds no scenes: no question can be answered`);
    for (const m of res.noScene) problems.push(`question ${qs.questions[m.k].index} (${qs.questions[m.k].path}) not answered: ${m.why}`);
    for (const w of problems.slice(0, 20)) console.error(`warning: ${w}`);
    if (problems.length > 20) console.error(`warning: ${problems.length - 20} more problems`);
    const answers: (string | null)[] = new Array(qs.count).fill(null);
    const status: string[] = new Array(qs.count).fill('MALFORMED');
    qs.questions.forEach((q, k) => { answers[q.index] = res.answers[k]; status[q.index] = res.answers[k] ?? 'INVALID'; });
    for (const q of res.noScenes ? qs.questions : res.noScene.map((m) => qs.questions[m.k])) status[q.index] = 'NO SCENE';
    if (p.flags.has('json')) {
      console.log(JSON.stringify({ answers, accuracy: res.accuracy }));
    } else {
      status.forEach((a, k) => console.log(`${k}\t${a}`));
      const malformed = qs.count - qs.questions.length;
      console.log(`${questionsSummary(res, 2)}${malformed ? `, ${malformed} malformed` : ''}, mode ${mode}`);
    }
    return 0;
  },
};
