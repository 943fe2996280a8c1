"""Time fastnode2vec's exact weighted walk kernel on a CSR graph, one thread; prints one JSON line.

fastnode2vec (0.0.7, numba-compiled) pins its own numba and gensim, so `bench/pipeline.py` and `bench/scale.py` run
this file with the interpreter of a separate virtual environment:

    python -m venv /tmp/fn2v && /tmp/fn2v/bin/pip install fastnode2vec==0.0.7
    NUMBA_NUM_THREADS=1 /tmp/fn2v/bin/python bench/fastnode2vec_walks.py GRAPH.npz --p 1 --q 0.125

GRAPH.npz holds the CSR arrays `indptr`, `indices` and `weights` that node2vec_nb walks on, so both engines walk
the same graph. fastnode2vec's own `Graph` reads edges one by one in Python (minutes at 50M edges), so this file
builds the `Graph` object from those arrays directly, with fastnode2vec's own normalisation and its numba
row-cumsum (`preprocess_s`), and then calls its compiled `_random_walk_weighted` for every start node from one
numba loop (no Python call per walk): fastnode2vec at its fastest. The first call compiles and is not timed
(`compile_s`); `walk_s` is the median of `repeats` timed calls, `walk_min_s` and `walk_max_s` their spread,
`walk_cpu_s` the median CPU seconds of the process over the same calls. `end_to_end_s` = `preprocess_s` +
`compile_s` + `walk_s`: what a fresh process waits for, from the CSR arrays to one round of walks (fastnode2vec's
kernels are compiled in every new process).

With `--threads N` the start nodes are split into N parts walked by N Python threads at once, each calling the same
compiled loop, which releases the GIL (`nogil=True`, as fastnode2vec's own kernel): this is how fastnode2vec walks
with `workers=N`, where gensim's worker threads each call the kernel.
"""
import argparse, json, statistics, time
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from fastnode2vec import graph as fg

@numba.njit(nogil=True)
def _walks(indptr, indices, data, walk_length, p, q, starts, seed):
    "Walks from every start with fastnode2vec's kernel; returns the number of transitions taken."
    np.random.seed(seed)
    steps = 0
    for s in starts:
        steps += len(fg._random_walk_weighted(indptr, indices, data, walk_length, p, q, s)) - 1
    return steps

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graph", help=".npz with CSR arrays indptr, indices, weights")
    ap.add_argument("--p", type=float, default=1.0)
    ap.add_argument("--q", type=float, default=1.0)
    ap.add_argument("--num-walks", type=int, default=1, help="walks per node")
    ap.add_argument("--num-steps", type=int, default=80, help="nodes per walk, the start included")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="threads walking at once, each on its share of the starts")
    a = ap.parse_args()
    z = np.load(a.graph)
    indptr, indices, weights = z["indptr"], z["indices"], z["weights"]
    t = time.perf_counter()
    g = object.__new__(fg.Graph)   # what Graph.__init__ builds, without its per-edge Python loop
    g.weighted, g.indptr, g.indices = True, indptr.astype(np.int32 if indptr[-1] < 2**31 else np.int64), indices
    degree = np.diff(indptr)
    strength = np.add.reduceat(weights, indptr[:-1]) if len(weights) else np.zeros(0)
    g.data = fg._csr_row_cumsum(g.indptr, weights / np.repeat(strength, degree))
    g.node_names = np.arange(len(degree))
    preprocess = time.perf_counter() - t
    starts = np.tile(np.arange(len(degree), dtype=indices.dtype), a.num_walks)
    t = time.perf_counter()
    _walks(g.indptr, g.indices, g.data, a.num_steps, a.p, a.q, starts[:100], 0)   # compile
    compile_s = time.perf_counter() - t
    parts = np.array_split(starts, a.threads)
    times, cpu = [], []
    with ThreadPoolExecutor(a.threads) as pool:
        for r in range(a.repeats):
            t, c = time.perf_counter(), time.process_time()
            steps = sum(pool.map(lambda i: _walks(g.indptr, g.indices, g.data, a.num_steps, a.p, a.q, parts[i],
                                                  1000 * r + i), range(a.threads)))
            times.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
    walk_s = statistics.median(times)
    print(json.dumps(dict(engine="fastnode2vec 0.0.7", p=a.p, q=a.q, walks=len(starts), transitions=int(steps),
                          preprocess_s=preprocess, compile_s=compile_s, walk_s=walk_s, walk_min_s=min(times),
                          walk_max_s=max(times), walk_cpu_s=statistics.median(cpu), end_to_end_s=preprocess + compile_s + walk_s,
                          threads=a.threads)))

if __name__ == "__main__":
    main()
