// Messages between HostRunner (the language server or CLI) and the solver host process, sent over
// the fork's IPC channel with the 'advanced' serialisation (structured clone: NaN and typed arrays
// survive). One job runs in the host at a time, on the host's worker thread (solverWorker.ts), which
// gets the same ToHost messages from the host's main thread and answers with the same FromHost ones.
import type { SolveRequest, SolveResult } from './runner';

export type ToHost =
  | { type: 'run'; id: number; req: SolveRequest }
  | { type: 'cancel'; id: number }
  /** Which backend a device setting resolves to in the host ('cpu' or 'webgpu:<adapter>'). */
  | { type: 'probe'; id: number; device: 'auto' | 'cpu' | 'gpu' };

export interface HostError { name: string; message: string; param?: string }

export type FromHost =
  | { type: 'ready'; pid: number }
  | { type: 'progress'; id: number; fraction: number; message?: string }
  | { type: 'result'; id: number; result: SolveResult }
  | { type: 'error'; id: number; error: HostError }
  | { type: 'backend'; id: number; name: string; warning?: string; reason?: string };

/** Int32 slots of the cancel buffer shared by the host's two threads (slot 0: id of the job to cancel). */
export const CANCEL_SLOTS = 1;
