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

export function getSolver(id: string): SolverDef | undefined {
  return byId.get(id);
}

export function solverIds(): string[] {
  return [...byId.keys()].sort();
}
