"""Time PecanPy's walk modes on a weighted edge list, one thread; prints one JSON line.

PecanPy pins numpy<2, which clashes with this project's numpy, so `bench/pipeline.py` runs this file with the
interpreter of a separate virtual environment (see the README's benchmark section):

    NUMBA_NUM_THREADS=1 python bench/pecanpy_walks.py EDGES.edg --p 1 --q 1 --num-walks 5 --walk-length 9

For each mode it reports two numbers:

- `simulate_walks_s`: one call of `simulate_walks`, what a user calls (walks as lists of node ids). Every call
  hands numba fresh closures, which recompiles the walk kernel: seconds of overhead per call.
- `kernel_s`: the median of `repeats` calls of the compiled walk kernel alone, reusing one set of closures after a
  warm-up call (walks as an index matrix). This is PecanPy at its fastest, the number to compare engines by.
"""
import argparse, json, statistics, time

import numpy as np
from numba_progress import ProgressBar
from pecanpy import pecanpy

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
        if mode == "PreCompFirstOrder" and not (a.p == 1 and a.q == 1): continue  # first order only when p = q = 1
        g = getattr(pecanpy, mode)(p=a.p, q=a.q, workers=1, verbose=False, random_state=0)
        g.read_edg(a.edges, weighted=True, directed=False)
        g.simulate_walks(num_walks=1, walk_length=a.walk_length)  # preprocesses PreComp modes
        t = time.perf_counter(); walks = g.simulate_walks(num_walks=a.num_walks, walk_length=a.walk_length)
        call = time.perf_counter() - t
        starts = np.concatenate([np.arange(g.num_nodes, dtype=np.uint32)] * a.num_walks)
        has_nbrs, move_forward = g.get_has_nbrs(), g.get_move_forward()
        def kernel():
            with ProgressBar(total=starts.size, disable=True) as progress:
                return g._random_walks(starts.size, a.walk_length, g.random_state, starts, has_nbrs, move_forward, progress)
        kernel()  # compile once for these closures
        times = []
        for _ in range(a.repeats):
            t = time.perf_counter(); kernel(); times.append(time.perf_counter() - t)
        out[mode] = {"simulate_walks_s": call, "kernel_s": statistics.median(times), "walks": len(walks),
                     "transitions": sum(len(w) - 1 for w in walks)}
    print(json.dumps(out))

if __name__ == "__main__":
    main()
