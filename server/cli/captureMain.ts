// Test helper: runs the CLI's main() in process and returns its exit code and what it printed, with
// console.log / console.error captured (and restored even when main throws). One copy for every
// CLI test instead of one per file.
import { main } from '../cli';

export async function captureMain(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (...x: unknown[]) => { out.push(x.join(' ')); };
  console.error = (...x: unknown[]) => { err.push(x.join(' ')); };
  try { return { code: await main(argv), out: out.join('\n'), err: err.join('\n') }; } finally { console.log = log; console.error = error; }
}
