// Shared by the engine benchmarks: the WebGPU backend when a hardware adapter is present, or lavapipe
// when BENCH_LAVAPIPE=1 (labelled so that nobody mistakes a CPU rasteriser for a GPU). Not a bench file.
import { createGpuKernels, GpuKernels } from '../server/engine/kernels/gpuBackend';

export async function gpuForBench(): Promise<{ kernels: GpuKernels; label: string } | null> {
  const lavapipe = process.env.BENCH_LAVAPIPE === '1';
  const { kernels, reason } = await createGpuKernels({ allowSoftware: lavapipe });
  if (!kernels) { process.stderr.write(`[engine bench] no WebGPU adapter used: ${reason}\n`); return null; }
  const label = kernels.software ? `${kernels.backend.name} (lavapipe: software, NOT a GPU)` : kernels.backend.name;
  return { kernels, label };
}
