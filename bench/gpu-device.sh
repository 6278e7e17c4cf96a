#!/usr/bin/env bash
# ONE prepared run for a lent GPU machine (e.g. the NVIDIA H200 device machine): unpacks the Vulkan
# loader carried in .gl/ (see the device README), points Vulkan at the NVIDIA ICD, then runs the GPU
# test tier (every WGSL kernel against its CPU twin) and the engine benchmarks with the hardware
# adapter, printing markdown tables. Budget: under 5 minutes. Run from the repository root with
# node_modules carried:   bash bench/gpu-device.sh
# Results worth keeping go into bench/RESULTS.md by hand, with the machine named.
set -uo pipefail
cd "$(dirname "$0")/.."
if ls .gl/*.deb >/dev/null 2>&1; then for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; fi
OUTDIR="${OUT:-/tmp/theorylab-gpu}"; mkdir -p "$OUTDIR"

echo "## GPU device run — $(date -u +%Y-%m-%dT%H:%M:%SZ) — commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo
echo "- machine: $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo 'no nvidia-smi'); $(nproc) cores; Node $(node --version)"
echo "- Vulkan ICD: ${VK_DRIVER_FILES:-default search}"
echo

# Which adapter does Dawn see, and does `auto` accept it (i.e. it is not a software rasteriser)?
timeout 60 node --import tsx -e "
const { createGpuKernels } = require('./server/engine/kernels/gpuBackend');
createGpuKernels({ allowSoftware: false }).then(({ kernels, reason }) => {
  console.log('- auto picks: ' + (kernels ? kernels.backend.name : 'CPU (' + reason + ')'));
  kernels?.dispose(); process.exit(0);
});" 2>&1 | grep -v 'artificially reduced'
echo

echo '### GPU tests (WGSL kernels vs CPU twins, relative error < 1e-4)'
echo '```'
timeout 150 node --import tsx --test --test-concurrency=1 --test-reporter=spec test/gpu/*.test.ts 2>&1 \
  | grep -v 'artificially reduced' | tee "$OUTDIR/gpu-tests.log" | grep -E '^(✔|✖)|^ℹ (tests|pass|fail)'
echo '```'
echo

# Benchmarks: the CPU columns are measured too (same run), the WebGPU rows use the hardware adapter.
BENCH_SIZES=${BENCH_SIZES:-256,512,1024,2048} timeout 150 node --import tsx bench/engine-matmul.bench.ts 2>"$OUTDIR/matmul.err" | tee "$OUTDIR/matmul.md"
echo
timeout 90 node --import tsx bench/engine-adam.bench.ts 2>"$OUTDIR/adam.err" | tee "$OUTDIR/adam.md"
