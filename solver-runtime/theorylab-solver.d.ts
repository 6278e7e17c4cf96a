// Types for JavaScript workspace solvers (docs/workspace-solvers.md). Use from a .mjs file with
//   /** @type {import('./theorylab-solver').Solver} */
//   export const solve = async (params, ctx) => { ctx.progress(0.5); return { y: 1 }; };

/** A value a solver receives or returns (JSON-shaped; typed arrays are sent as lists). */
export type Value = number | boolean | string | null | Value[] | Float64Array | Float32Array | { [key: string]: Value };

export interface SolverContext {
  /** Seed for every random draw: results must be deterministic for a given seed. */
  seed: number;
  /** 'test' lets a simulation shrink its budget in test suites. */
  budget: 'full' | 'test';
  /** Progress in [0, 1], shown as the code-lens progress. */
  progress(fraction: number, message?: string): void;
  /** A non-fatal remark shown next to the result. */
  warn(message: string): void;
}

/** One entry point named in the manifest's `entry = "file.mjs:export"`. */
export type Solver = (params: Record<string, Value>, ctx: SolverContext) => Record<string, Value> | Promise<Record<string, Value>>;
