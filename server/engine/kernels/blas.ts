// The system BLAS under the CPU kernels, called through koffi (an FFI library with prebuilt binaries).
// At first use it looks for OpenBLAS, MKL, BLIS, Accelerate or a reference libblas (THEORYLAB_BLAS
// names a library file to try first; THEORYLAB_BLAS=none, or THEORYLAB_KERNELS=wasm, forces the
// WebAssembly fallback). Typed arrays are passed by pointer, so nothing is copied. The thread count
// is set so that this process's compute threads never exceed the cores: the calling thread is one of
// BLAS's own threads, and nothing else in the solver host computes while a GEMM runs.
import { availableParallelism } from 'node:os';
import type { FArray } from '../../solvers/contract';

type Gemm = (order: number, ta: number, tb: number, m: number, n: number, k: number, alpha: number,
  a: FArray, lda: number, b: FArray, ldb: number, beta: number, c: FArray, ldc: number) => void;

export interface Blas {
  /** e.g. 'openblas-0.3.21', 'mkl', 'blis', 'accelerate', 'blas' */
  name: string;
  /** The library file that was loaded. */
  path: string;
  threads: number;
  sgemm: Gemm;
  dgemm: Gemm;
}

const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

/** Library files tried in order (the first one that loads and has cblas_sgemm wins). */
function candidates(): string[] {
  const list = [
    'libopenblas.so.0', 'libopenblas.so', 'libopenblasp.so.0',
    'libmkl_rt.so.2', 'libmkl_rt.so',
    'libblis.so.4', 'libblis.so',
    'libcblas.so.3', 'libblas.so.3',
  ];
  if (process.platform === 'darwin') list.unshift('/System/Library/Frameworks/Accelerate.framework/Accelerate', 'libopenblas.dylib');
  if (process.platform === 'win32') list.unshift('libopenblas.dll', 'mkl_rt.2.dll');
  const env = process.env.THEORYLAB_BLAS;
  if (env) list.unshift(env);
  return list;
}

/** Threads for BLAS: THEORYLAB_BLAS_THREADS, else THEORYLAB_THREADS, else every core (the caller included). */
export function blasThreadTarget(): number {
  const cores = Math.max(1, availableParallelism());
  const asked = Number(process.env.THEORYLAB_BLAS_THREADS ?? process.env.THEORYLAB_THREADS);
  return Number.isInteger(asked) && asked >= 1 ? Math.min(asked, cores) : cores;
}

export function blasDisabled(): boolean {
  const b = (process.env.THEORYLAB_BLAS ?? '').toLowerCase();
  return b === 'none' || b === 'off' || (process.env.THEORYLAB_KERNELS ?? '').toLowerCase() === 'wasm';
}

let loaded: Blas | null | undefined;
let loadError: string | undefined;

/** The system BLAS, or null when none is found or it is disabled (see `blasUnavailableReason`). */
export function systemBlas(): Blas | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (blasDisabled()) { loadError = 'disabled by THEORYLAB_BLAS / THEORYLAB_KERNELS'; return null; }
  let koffi: typeof import('koffi');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    koffi = require('koffi');
  } catch (e) {
    loadError = `koffi could not be loaded: ${(e as Error).message}`;
    return null;
  }
  const tried: string[] = [];
  for (const path of candidates()) {
    let lib: ReturnType<typeof koffi.load>;
    try { lib = koffi.load(path); } catch { tried.push(path); continue; }
    const fn = (sig: string) => { try { return lib.func(sig); } catch { return null; } };
    const sig = (t: string, f: string) => `void ${f}(int order, int ta, int tb, int m, int n, int k, ${t} alpha, const ${t} *a, int lda, const ${t} *b, int ldb, ${t} beta, _Inout_ ${t} *c, int ldc)`;
    // _Inout_ would make koffi copy back; typed arrays are passed by address, so plain pointers suffice
    const sgemm = fn(sig('float', 'cblas_sgemm').replace('_Inout_ ', ''));
    const dgemm = fn(sig('double', 'cblas_dgemm').replace('_Inout_ ', ''));
    if (!sgemm || !dgemm) { tried.push(`${path} (no cblas_sgemm/dgemm)`); continue; }
    const target = blasThreadTarget();
    let name = /mkl/i.test(path) ? 'mkl' : /blis/i.test(path) ? 'blis' : /Accelerate/.test(path) ? 'accelerate' : 'blas';
    let threads = 1;
    const getConfig = fn('const char *openblas_get_config()');
    const setOpen = fn('void openblas_set_num_threads(int n)');
    const getOpen = fn('int openblas_get_num_threads()');
    if (getConfig && setOpen && getOpen) {
      const cfg = String(getConfig());
      const ver = /OpenBLAS\s+([\d.]+)/i.exec(cfg);
      name = ver ? `openblas-${ver[1]}` : 'openblas';
      setOpen(target);
      threads = Number(getOpen());
    } else {
      const setMkl = fn('void MKL_Set_Num_Threads(int n)');
      const getMkl = fn('int MKL_Get_Max_Threads()');
      const setBlis = fn('void bli_thread_set_num_threads(long n)');
      if (setMkl && getMkl) { setMkl(target); threads = Number(getMkl()); }
      else if (setBlis) { setBlis(target); threads = target; }
      else threads = 1; // a reference BLAS (or Accelerate, which sizes itself): reported as one
    }
    loaded = { name, path, threads, sgemm: sgemm as unknown as Gemm, dgemm: dgemm as unknown as Gemm };
    return loaded;
  }
  loadError = `no BLAS library found (tried ${tried.join(', ')})`;
  return null;
}

export function blasUnavailableReason(): string | undefined {
  systemBlas();
  return loadError;
}

/**
 * C (m×n) = op(A)·op(B) (+ C when `accumulate`), row-major, on the system BLAS. Float32 and float64
 * operands must not be mixed. Returns false when no BLAS is loaded.
 */
export function blasGemm(a: FArray, b: FArray, c: FArray, m: number, k: number, n: number,
  transA: boolean, transB: boolean, accumulate: boolean): boolean {
  const blas = systemBlas();
  if (!blas || m === 0 || n === 0) return !!blas;
  const f64 = c instanceof Float64Array;
  if ((a instanceof Float64Array) !== f64 || (b instanceof Float64Array) !== f64) return false;
  if (k === 0) { if (!accumulate) c.fill(0, 0, m * n); return true; }
  const lda = transA ? m : k, ldb = transB ? k : n;
  (f64 ? blas.dgemm : blas.sgemm)(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1,
    a, lda, b, ldb, accumulate ? 1 : 0, c, n);
  return true;
}

/**
 * Lowers (or raises, up to the cores) the BLAS thread count, e.g. when a host runs several computing
 * workers at once and their BLAS threads together must stay within the cores. Returns the count set.
 */
export function setBlasThreads(n: number): number {
  const blas = systemBlas();
  if (!blas) return 0;
  const target = Math.max(1, Math.min(Math.floor(n), availableParallelism()));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = (require('koffi') as typeof import('koffi')).load(blas.path);
  for (const sig of ['void openblas_set_num_threads(int n)', 'void MKL_Set_Num_Threads(int n)', 'void bli_thread_set_num_threads(long n)']) {
    try { lib.func(sig)(target); blas.threads = target; return target; } catch { /* not this library's setter */ }
  }
  return blas.threads;
}
