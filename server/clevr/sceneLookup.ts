// Finds a scene by the name written in a file or on the command line: an inline scene `tiny`, or a
// scene of a scenes file `val[3]` (by CLEVR image_index only: never the scene at position 3).
import type { Analysis } from './analysis';
import { Scene, sceneByImageIndex } from './scene';

export function lookupScene(a: Analysis, ref: string): Scene | string {
  const m = /^\s*([A-Za-z_]\w*)\s*(?:\[\s*(\d+)\s*\])?\s*$/.exec(ref);
  if (!m) return `malformed scene name '${ref}' (write NAME or NAME[INDEX])`;
  const single = a.scenes.get(m[1]);
  if (single?.scene) return m[2] === undefined ? single.scene : `'${m[1]}' is a single scene; it takes no index`;
  const set = a.sceneSets.get(m[1]);
  if (!set) return `unknown scene '${m[1]}' (scenes: ${[...a.scenes.keys(), ...a.sceneSets.keys()].join(', ') || 'none'})`;
  if (m[2] === undefined) return set.scenes.length === 1 ? set.scenes[0] : `'${m[1]}' holds ${set.scenes.length} scenes: pick one by image index, e.g. ${m[1]}[${set.scenes.find((s) => s.imageIndex !== undefined)?.imageIndex ?? 0}]`;
  return sceneByImageIndex(m[1], set.scenes, Number(m[2]));
}
