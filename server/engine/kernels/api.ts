// The kernel API handed to solvers as `ctx.kernels`. Its interface is part of the solver contract
// (server/solvers/contract.ts, which imports nothing); this module re-exports it for the engine's
// backends so the engine depends on the contract and never the other way round.
export type {
  AdamParams, BinaryOp, FArray, HostGemmOptions, KernelApi, ReduceOp, Tensor, UnaryOp,
} from '../../solvers/contract';
export { binaryOps, DeviceLostError, sizeOf, unaryOps } from '../../solvers/contract';
