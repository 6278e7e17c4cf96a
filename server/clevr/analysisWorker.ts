// Worker-thread entry of the .clevr analysis: the language server posts a document's text and the
// files it imports (read on the main thread, inside the workspace); the worker parses, checks and
// runs every eval and sentence under the file's budgets and posts the whole Analysis back. The main
// thread never executes .clevr code, so a pathological sentence cannot delay other requests.
import { parentPort } from 'node:worker_threads';
import { analyse, Analysis, AnalyseOptions } from './analysis';
import { derivedRelations, Scene } from './scene';

export interface WorkerRequest { id: number; text: string; files: Record<string, { uri: string; text: string } | { error: string }>; opts: AnalyseOptions }
export type WorkerReply = { id: number; analysis: Analysis } | { id: number; error: string };

/** Every scene of an analysis (each object once), for what cannot cross threads. */
export function scenesOf(a: Analysis): Scene[] {
  const out = new Set<Scene>();
  for (const { scene } of a.scenes.values()) if (scene) out.add(scene);
  for (const { scenes } of a.sceneSets.values()) for (const s of scenes) out.add(s);
  for (const r of a.sentences) out.add(r.scene);
  for (const e of a.evals) for (const r of e.runs) out.add(r.scene);
  return [...out];
}

/**
 * Posts an analysis: lazily derived relations (a Proxy) are dropped and rebuilt by the receiver from
 * positions; compiled question programs (functions) are dropped, they are a cache.
 */
function post(id: number, a: Analysis): void {
  const lazy = scenesOf(a).filter(derivedRelations);
  const saved = lazy.map((s) => s.relations);
  for (const s of lazy) (s as { relations: unknown }).relations = null;
  const compiled = [...a.questionSets.values()].flatMap((q) => q.questions).map((q) => [q, q.compiled] as const);
  for (const [q] of compiled) q.compiled = undefined;
  try { parentPort!.postMessage({ id, analysis: a } satisfies WorkerReply); } catch (e) {
    parentPort!.postMessage({ id, error: `the analysis could not be sent back: ${(e as Error).message}` } satisfies WorkerReply);
  } finally {
    lazy.forEach((s, k) => { s.relations = saved[k]; });
    for (const [q, c] of compiled) q.compiled = c;
  }
}

parentPort?.on('message', (m: WorkerRequest) => {
  try {
    const a = analyse(m.text, (rel) => {
      const f = m.files[rel];
      if (!f) throw new Error(`file not found: '${rel}'`);
      if ('error' in f) throw new Error(f.error);
      return f;
    }, m.opts);
    post(m.id, a);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error)?.message ?? String(e) } satisfies WorkerReply);
  }
});
