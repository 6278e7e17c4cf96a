// Test fixtures for workspace solvers: a temporary workspace with Python solvers that return,
// report progress, spin until cancelled, crash, return the wrong kind or NaN, and their manifests.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Debian's Python with NumPy (the pyenv python3 on PATH here has none); override with THEORYLAB_TEST_PYTHON. */
export const testPython = process.env.THEORYLAB_TEST_PYTHON ?? (fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export const SOLVERS_PY = `import os, time
import theorylab_solver as tl

def ok(params, ctx):
    for i in range(5):
        tl.progress(i / 5, "step %d" % i)
    print("noise on stdout that is not protocol")
    return {"y": params["x"] * 2 + ctx.seed, "pid": os.getpid()}

def spin(params, ctx):
    with open(params["pidfile"], "w") as f:
        f.write(str(os.getpid()))
    ctx.progress(0.1, "spinning")
    while True:
        time.sleep(0.01)

def helper(x):
    return 1 / x

def crash(params, ctx):
    return {"y": helper(params["x"]), "pid": 0}

def wrong(params, ctx):
    return {"y": "not a number", "pid": 0}

def nan(params, ctx):
    return {"y": float("nan"), "pid": 0}

def hog(params, ctx):
    block = b"x" * (int(params["x"]) << 20)
    time.sleep(5)
    return {"y": len(block), "pid": 0}
`;

export function manifest(id: string, fn: string, extra = ''): string {
  return `id = "${id}"
title = "test solver ${fn}"
doc = "Runs \`${fn}\` of solvers.py."
version = "1"
entry = "solvers.py:${fn}"
${extra}
[[params]]
name = "x"
kind = "number"
default = 1
doc = "input"

[[params]]
name = "pidfile"
kind = "string"
default = ""
doc = "where spin writes its pid"

[[outputs]]
name = "y"
kind = "number"
doc = "result"

[[outputs]]
name = "pid"
kind = "integer"
doc = "process id of the solver"
`;
}

export const TEST_FUNCTIONS = ['ok', 'spin', 'crash', 'wrong', 'nan', 'hog'];

/** A temporary workspace with solvers.py and one manifest per test function (`wstest.<fn>`). */
export function makeWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-wsolvers-'));
  fs.writeFileSync(path.join(dir, 'solvers.py'), SOLVERS_PY);
  for (const fn of TEST_FUNCTIONS) fs.writeFileSync(path.join(dir, `${fn}.solver.toml`), manifest(`wstest.${fn}`, fn));
  return dir;
}

export function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}
