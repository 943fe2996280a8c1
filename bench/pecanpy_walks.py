"""Time PecanPy's walk modes on a weighted edge list, one thread; prints one JSON line.

PecanPy pins numpy<2, which clashes with this project's numpy, so `bench/pipeline.py` runs this file with the
interpreter of a separate virtual environment (see the README's benchmark section):

    NUMBA_NUM_THREADS=1 python bench/pecanpy_walks.py EDGES.edg --p 1 --q 1 --num-walks 5 --walk-length 9

For each mode it reports the median seconds of `simulate_walks` (what a user calls: walks as lists of node ids)
and of its numba kernel alone (walks as an index matrix, the part comparable to node2vec_nb's engine), after a
warm-up call that compiles the kernels.
"""
import argparse, json, statistics, time

import numpy as np
from pecanpy import pecanpy

def _kernel(g, num_walks, walk_length):
    "PecanPy's walk kernel alone, called as `simulate_walks` calls it."
    from numba_progress import ProgressBar
    starts = np.concatenate([np.arange(g.num_nodes, dtype=np.uint32)] * num_walks)
    with ProgressBar(total=starts.size, disable=True) as progress:
        return g._random_walks(starts.size, walk_length, g.random_state, starts,
                               g.get_has_nbrs(), g.get_move_forward(), progress)

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("edges", help="weighted edge list: 'u<TAB>v<TAB>weight' per line")
    ap.add_argument("--p", type=float, default=1.0)
    ap.add_argument("--q", type=float, default=1.0)
    ap.add_argument("--num-walks", type=int, default=5)
    ap.add_argument("--walk-length", type=int, default=9, help="steps per walk (nodes - 1)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--modes", default="PreComp,SparseOTF,DenseOTF,PreCompFirstOrder")
    a = ap.parse_args()
    out = {}
    for mode in a.modes.split(","):
        if mode == "PreCompFirstOrder" and not (a.p == 1 and a.q == 1): continue
        g = getattr(pecanpy, mode)(p=a.p, q=a.q, workers=1, verbose=False, random_state=0)
        g.read_edg(a.edges, weighted=True, directed=False)
        g.simulate_walks(num_walks=1, walk_length=a.walk_length)  # compiles kernels, preprocesses PreComp
        full, kernel = [], []
        for _ in range(a.repeats):
            t = time.perf_counter(); walks = g.simulate_walks(num_walks=a.num_walks, walk_length=a.walk_length)
            full.append(time.perf_counter() - t)
            t = time.perf_counter(); _kernel(g, a.num_walks, a.walk_length); kernel.append(time.perf_counter() - t)
        out[mode] = {"simulate_walks_s": statistics.median(full), "kernel_s": statistics.median(kernel),
                     "walks": len(walks), "transitions": sum(len(w) - 1 for w in walks)}
    print(json.dumps(out))

if __name__ == "__main__":
    main()
