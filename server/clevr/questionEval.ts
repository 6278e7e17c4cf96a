// Runs the questions of a CLEVR questions file on scenes: each question on the scene whose image_index
// is its own (never another one: a question about image 7 has no answer on image 3), symbolic or soft,
// with the accuracy against the stored answers. Shared by `eval QS on SCENES` and `clevr eval`.
import { ExecError } from './evaluate';
import { compileQuestion, Question } from './questions';
import type { Scene } from './scene';
import { softAnswer, SoftPrims, SoftValue } from './soft';
import { symAnswer, SymbolicPrims, SymValue } from './symbolic';

export interface QuestionsRun {
  /** One per question of the list: the answer, or null (INVALID, or not run: see noScene / otherImages). */
  answers: (string | null)[];
  correct: number;
  /** Questions run that have a stored answer (the accuracy's denominator). */
  total: number;
  /** Questions run whose execution failed (CLEVR's INVALID: unique on a set whose size is not 1). */
  invalid: number;
  accuracy: number | null;
  /** Questions not run because no scene is theirs: position in the list, and why. */
  noScene: { k: number; why: string }[];
  /** `eval QS on val[3]`: the questions of other images, left out (one scene was picked). */
  otherImages: number;
  /** The image index of the picked scene, when the eval picked one. */
  picked?: number;
  /** No scene at all was given (an empty scenes file). */
  noScenes: boolean;
}

export interface EvaluateOptions {
  /** Cache the result per questions list, scenes and mode (the editor re-analyses on every keystroke). */
  cache?: boolean;
  /**
   * The scenes are one scene picked from a scenes file (`val[3]`): only the questions of its image run,
   * the others are counted in otherImages, not reported one by one.
   */
  picked?: boolean;
}

const evalCache = new WeakMap<Question[], WeakMap<Scene[] | Scene, Map<string, QuestionsRun>>>();

/**
 * Evaluates questions on the scene of their image_index. A lone scene without an image index (an
 * inline `scene` block) stands for any image: every question runs on it.
 */
export function evaluateQuestions(questions: Question[], scenes: Scene[], mode: 'symbolic' | 'soft', opts: EvaluateOptions = {}): QuestionsRun {
  if (!opts.cache) return evaluateUncached(questions, scenes, mode, !!opts.picked);
  let byScenes = evalCache.get(questions);
  if (!byScenes) { byScenes = new WeakMap(); evalCache.set(questions, byScenes); }
  // A single scene is a fresh array on each analysis: key by the scene object then.
  const sceneKey = scenes.length === 1 ? scenes[0] : scenes;
  let byMode = byScenes.get(sceneKey);
  if (!byMode) { byMode = new Map(); byScenes.set(sceneKey, byMode); }
  const key = `${mode}|${!!opts.picked}`;
  let r = byMode.get(key);
  if (!r) { r = evaluateUncached(questions, scenes, mode, !!opts.picked); byMode.set(key, r); }
  return r;
}

function evaluateUncached(questions: Question[], scenes: Scene[], mode: 'symbolic' | 'soft', picked: boolean): QuestionsRun {
  const anyImage = scenes.length === 1 && scenes[0].imageIndex === undefined;
  const byImage = new Map<number, Scene>();
  for (const s of scenes) if (s.imageIndex !== undefined && !byImage.has(s.imageIndex)) byImage.set(s.imageIndex, s);
  const known = () => {
    const ks = [...byImage.keys()].sort((x, y) => x - y);
    return ks.length > 8 ? `${ks.slice(0, 8).join(', ')}, … (${ks.length} scenes)` : ks.join(', ');
  };
  const answers: (string | null)[] = [];
  const noScene: QuestionsRun['noScene'] = [];
  let correct = 0, total = 0, invalid = 0, otherImages = 0;
  questions.forEach((q, k) => {
    let scene: Scene | undefined;
    if (anyImage) scene = scenes[0];
    else if (q.imageIndex === undefined) { if (scenes.length) noScene.push({ k, why: q.imageIndexProblem ?? 'it has no image_index' }); }
    else {
      scene = byImage.get(q.imageIndex);
      if (!scene && picked) otherImages++;
      else if (!scene && scenes.length) noScene.push({ k, why: `no scene has image_index ${q.imageIndex} (scenes: ${known() || 'none with an image_index'})` });
    }
    if (!scene) { answers.push(null); return; }
    q.compiled ??= { ok: true, run: compileQuestion(q.nodes) };
    let ans: string | null = null;
    try {
      ans = (mode === 'soft' ? softAnswer(q.compiled.run!(new SoftPrims(scene)) as SoftValue) : symAnswer(q.compiled.run!(new SymbolicPrims(scene)) as SymValue)) ?? null;
    } catch (e) { if (!(e instanceof ExecError)) throw e; }
    answers.push(ans);
    if (ans === null) { invalid++; return; }
    if (q.answer !== undefined) { total++; if (ans === q.answer) correct++; }
  });
  const only = picked && scenes.length === 1 ? scenes[0].imageIndex : undefined;
  return { answers, correct, total, invalid, accuracy: total ? correct / total : null, noScene, otherImages, picked: only, noScenes: scenes.length === 0 };
}

/** One line for people: how many questions ran, the accuracy, and what was left out and why. */
export function questionsSummary(r: QuestionsRun, digits = 1): string {
  if (r.noScenes) return `${r.answers.length} questions, none answered: there are no scenes`;
  const ran = r.answers.length - r.noScene.length - r.otherImages;
  const what = r.picked !== undefined ? `${ran} questions of image ${r.picked} (${r.otherImages} of other images not run)` : `${r.answers.length} questions`;
  const acc = r.accuracy !== null ? `accuracy ${(100 * r.accuracy).toFixed(digits)}% (${r.correct}/${r.total})`
    : ran > 0 ? 'accuracy — (no stored answers)' : 'accuracy — (no question answered)';
  const left = [r.invalid ? `${r.invalid} INVALID skipped` : '', r.noScene.length ? `${r.noScene.length} not answered (no scene)` : ''].filter(Boolean);
  return `${what}, ${acc}${left.length ? `, ${left.join(', ')}` : ''}`;
}
