// Every registered solver. Each paper's folder exports `solvers: SolverDef[]` from its index.ts.
import type { SolverDef } from './registry';
import { solvers as demo } from './demo/index';
import { solvers as scaling } from './scaling/index';
import { solvers as influence } from './influence/index';
import { solvers as bayeslime } from './bayeslime/index';
import { solvers as memory } from './memory/index';
import { solvers as pcn } from './pcn/index';
import { solvers as bypevae } from './bypevae/index';
import { solvers as clevr } from './clevr/index';

export const allSolvers: SolverDef[] = [
  ...demo, ...scaling, ...influence, ...bayeslime, ...memory, ...pcn, ...bypevae, ...clevr,
];

const byId = new Map(allSolvers.map((s) => [s.id, s]));
const builtinCount = allSolvers.length;

// Workspace solvers (server/workspace-solvers/): declared in the user's `*.solver.toml` files and
// appended after the built-ins, so every reader of `allSolvers`/`getSolver` sees them too.
const workspaceById = new Map<string, SolverDef>();
let workspaceSync: (() => void) | undefined;
let generation = 0;

/** Bumped whenever the workspace solvers change: analyses of unchanged text are redone. */
export function solverGeneration(): number { return generation; }

/** Replaces the workspace solvers (ids of built-ins are refused by the caller's validation). */
export function setWorkspaceSolvers(defs: SolverDef[]): void {
  const fresh = defs.filter((d) => !byId.has(d.id));
  allSolvers.splice(builtinCount, allSolvers.length - builtinCount, ...fresh);
  workspaceById.clear();
  for (const d of fresh) workspaceById.set(d.id, d);
  generation++;
}

/** A process that learns workspace solvers from elsewhere (the solver host) refreshes them before lookups. */
export function onWorkspaceLookup(sync: () => void): void { workspaceSync = sync; }

export function isBuiltinSolver(id: string): boolean { return byId.has(id); }

export function getSolver(id: string): SolverDef | undefined {
  const builtin = byId.get(id);
  if (builtin) return builtin;
  workspaceSync?.();
  return workspaceById.get(id);
}

export function solverIds(): string[] {
  return [...byId.keys(), ...workspaceById.keys()].sort();
}
