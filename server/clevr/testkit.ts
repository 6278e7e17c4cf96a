// Helpers shared by the .clevr tests: analyse a source text with an in-memory file system.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyse, Analysis } from './analysis';

export const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples', 'clevr');
export const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'clevr');

export function analyseText(text: string, files: Record<string, string> = {}, dir = EXAMPLES): Analysis {
  return analyse(text, (rel) => {
    if (rel in files) return { uri: rel, text: files[rel] };
    const p = path.join(dir, rel);
    if (!fs.existsSync(p)) throw new Error(`file not found: '${rel}'`);
    return { uri: p, text: fs.readFileSync(p, 'utf8') };
  });
}

export function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length; // 1-based
}

export const SPEC_SOURCE = fs.readFileSync(path.join(EXAMPLES, 'spec.clevr'), 'utf8');

export type Obj = [string, string, string, string, number, number];
/** A CLEVR scenes file: each scene as [image_index, objects (size, color, material, shape, x, y)]. */
export function scenesJson(scenes: [number | undefined, Obj[]][]): string {
  return JSON.stringify({ scenes: scenes.map(([idx, objs]) => ({
    ...(idx === undefined ? {} : { image_index: idx }),
    objects: objs.map(([size, color, material, shape, x, y]) => ({ size, color, material, shape, '3d_coords': [x, y, 0.35] })),
  })) });
}
