#!/usr/bin/env python3
"""Peer of bench/clevr.bench.ts: a straightforward Python executor of the same CLEVR semantics
(shared/math/clevr-g2l2.md §2.4 symbolic, §3 soft with oracle concept scores), written for the
benchmark. Reads {"scenes": path, "questions": path} on stdin; prints one JSON line with the answers
and the median time to execute every question program, symbolically and softly (NumPy)."""
import json
import sys
import time

import numpy as np

TAU = 10.0
ATTRS = ["color", "shape", "size", "material"]
RELS = ["left", "right", "front", "behind"]
VALUES = {"color": ["gray", "red", "blue", "green", "brown", "purple", "cyan", "yellow"],
          "shape": ["cube", "sphere", "cylinder"], "material": ["rubber", "metal"], "size": ["small", "large"]}


class Invalid(Exception):
    pass


def timeit(fn, min_repeats=3, min_seconds=0.5):
    fn()
    ts = []
    start = time.perf_counter()
    while len(ts) < min_repeats or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
        if len(ts) >= 1000:
            break
    ts.sort()
    return ts[len(ts) // 2]


def sym_run(program, scene):
    objs, rel = scene["objects"], scene["relationships"]
    outs = []
    for node in program:
        fn = node.get("function", node.get("type"))
        ins = [outs[i] for i in node.get("inputs", [])]
        vals = node.get("value_inputs", node.get("side_inputs", []))
        if fn == "scene":
            r = list(range(len(objs)))
        elif fn == "unique":
            if len(ins[0]) != 1:
                raise Invalid()
            r = ins[0][0]
        elif fn == "relate":
            r = sorted(rel[vals[0]][ins[0]])
        elif fn == "union":
            r = sorted(set(ins[0]) | set(ins[1]))
        elif fn == "intersect":
            s = set(ins[1]); r = [i for i in ins[0] if i in s]
        elif fn == "count":
            r = len(ins[0])
        elif fn == "exist":
            r = len(ins[0]) > 0
        elif fn.startswith("filter_"):
            a = fn[7:]; r = [i for i in ins[0] if objs[i][a] == vals[0]]
        elif fn.startswith("query_"):
            r = objs[ins[0]][fn[6:]]
        elif fn.startswith("same_"):
            a = fn[5:]; i = ins[0]
            r = [j for j in range(len(objs)) if j != i and objs[j][a] == objs[i][a]]
        elif fn == "equal_integer":
            r = ins[0] == ins[1]
        elif fn == "less_than":
            r = ins[0] < ins[1]
        elif fn == "greater_than":
            r = ins[0] > ins[1]
        elif fn == "equal_object":
            r = ins[0] == ins[1]
        elif fn.startswith("equal_"):
            r = ins[0] == ins[1]
        else:
            raise ValueError(fn)
        outs.append(r)
    return answer_sym(outs[-1])


def answer_sym(v):
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    return v


class SoftScene:
    def __init__(self, scene):
        objs = scene["objects"]
        n = len(objs)
        self.n = n
        self.scores = {}
        for a in ATTRS:
            for c in VALUES[a]:
                self.scores[c] = np.array([TAU if o[a] == c else -TAU for o in objs])
        self.rel = {}
        for r in RELS:
            m = np.full((n, n), -TAU)
            for i, js in enumerate(scene["relationships"][r]):
                for j in js:
                    if j != i:
                        m[i, j] = TAU
            self.rel[r] = m
        self.same = {}
        for a in ATTRS:
            v = np.array([o[a] for o in objs])
            eq = v[:, None] == v[None, :]
            np.fill_diagonal(eq, False)
            self.same[a] = np.where(eq, TAU, -TAU)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def soft_run(program, s):
    outs = []
    for node in program:
        fn = node.get("function", node.get("type"))
        ins = [outs[i] for i in node.get("inputs", [])]
        vals = node.get("value_inputs", node.get("side_inputs", []))
        if fn == "scene":
            r = np.full(s.n, TAU)
        elif fn == "unique":
            r = softmax(ins[0])
        elif fn == "relate":
            r = ins[0] @ s.rel[vals[0]]
        elif fn == "union":
            r = np.maximum(ins[0], ins[1])
        elif fn == "intersect":
            r = np.minimum(ins[0], ins[1])
        elif fn == "count":
            r = ("int", sigmoid(ins[0]).sum())
        elif fn == "exist":
            r = ("bool", ins[0].max() if s.n else -TAU)
        elif fn.startswith("filter_"):
            r = np.minimum(ins[0], s.scores[vals[0]])
        elif fn.startswith("query_"):
            a = fn[6:]
            q = np.array([ins[0] @ s.scores[c] for c in VALUES[a]])
            r = ("concept", VALUES[a], softmax(q))
        elif fn.startswith("same_"):
            r = ins[0] @ s.same[fn[5:]]
        elif fn in ("equal_integer", "less_than", "greater_than"):
            a, b = ins[0][1], ins[1][1]
            if fn == "equal_integer":
                r = ("bool", ((0.5 - abs(a - b)) / 0.5) / 0.25)
            elif fn == "greater_than":
                r = ("bool", (a - b - 1 + 0.5) / 0.25)
            else:
                r = ("bool", (b - a - 1 + 0.5) / 0.25)
        elif fn == "equal_object":
            p = float(ins[0] @ ins[1]); p = min(1 - 1e-6, max(1e-6, p))
            r = ("bool", np.log(p / (1 - p)))
        elif fn.startswith("equal_"):
            (_, n1, d1), (_, n2, d2) = ins
            p = sum(float(d1[i]) * float(d2[n2.index(c)]) for i, c in enumerate(n1) if c in n2)
            p = min(1 - 1e-6, max(1e-6, p))
            r = ("bool", np.log(p / (1 - p)))
        else:
            raise ValueError(fn)
        outs.append(r)
    v = outs[-1]
    if v[0] == "int":
        return str(int(round(v[1])))
    if v[0] == "bool":
        return "yes" if v[1] > 0 else "no"
    return v[1][int(np.argmax(v[2]))]


def main():
    job = json.load(sys.stdin)
    scenes = json.load(open(job["scenes"]))["scenes"]
    questions = json.load(open(job["questions"]))["questions"]
    by_index = {s["image_index"]: s for s in scenes}
    pairs = [(q["program"], by_index[q["image_index"]]) for q in questions]

    def all_sym():
        out = []
        for p, sc in pairs:
            try:
                out.append(sym_run(p, sc))
            except Invalid:
                out.append(None)
        return out

    soft_scenes = {}

    def all_soft():
        # Per-scene tensors are built once per scene in each pass (as the TypeScript side caches them).
        soft_scenes.clear()
        out = []
        for p, sc in pairs:
            key = sc["image_index"]
            if key not in soft_scenes:
                soft_scenes[key] = SoftScene(sc)
            out.append(soft_run(p, soft_scenes[key]))
        return out

    sym = all_sym()
    soft = all_soft()
    t_sym = timeit(all_sym)
    t_soft = timeit(all_soft)
    print(json.dumps({"symbolic": sym, "soft": soft, "t_symbolic": t_sym, "t_soft": t_soft, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
