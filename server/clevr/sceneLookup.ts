// Finds a scene by the name written in a file or on the command line: an inline scene `tiny`, or a
// scene of a scenes file `val[3]` (by CLEVR image_index, else by position).
import type { Analysis } from './analysis';
import type { Scene } from './scene';

export function lookupScene(a: Analysis, ref: string): Scene | string {
  const m = /^\s*([A-Za-z_]\w*)\s*(?:\[\s*(\d+)\s*\])?\s*$/.exec(ref);
  if (!m) return `malformed scene name '${ref}' (write NAME or NAME[INDEX])`;
  const single = a.scenes.get(m[1]);
  if (single?.scene) return m[2] === undefined ? single.scene : `'${m[1]}' is a single scene; it takes no index`;
  const set = a.sceneSets.get(m[1]);
  if (!set) return `unknown scene '${m[1]}' (scenes: ${[...a.scenes.keys(), ...a.sceneSets.keys()].join(', ') || 'none'})`;
  if (m[2] === undefined) return set.scenes.length === 1 ? set.scenes[0] : `'${m[1]}' holds ${set.scenes.length} scenes: pick one, e.g. ${m[1]}[0]`;
  const k = Number(m[2]);
  return set.scenes.find((s) => s.imageIndex === k) ?? set.scenes[k] ?? `'${m[1]}' has no scene with index ${k}`;
}
