"""Time PecanPy's walk modes on a CSR graph, end to end and walks alone, with N threads; prints one JSON line.

PecanPy pins numpy<2, which clashes with this project's numpy, so `bench/pipeline.py` and `bench/scale.py` run this
file with the interpreter of a separate virtual environment:

    python -m venv /tmp/pecanpy && /tmp/pecanpy/bin/pip install pecanpy
    /tmp/pecanpy/bin/python bench/pecanpy_walks.py GRAPH.npz --p 1 --q 1 --num-walks 5 --walk-length 9 --threads 1

GRAPH.npz holds the CSR arrays `indptr`, `indices` and `weights` that node2vec_nb walks on, so every engine walks
the same graph; PecanPy reads them with its own `read_npz` (its loader for a CSR graph). For each mode it reports:

- `read_s`: `read_npz`, PecanPy's conversion of the arrays to its own types (DenseOTF: the dense matrix built from
  them, and `from_mat`; `--modes` without DenseOTF where n x n floats do not fit);
- `preprocess_s`: `preprocess_transition_probs` (PreComp modes build their tables; the OTF modes have none);
- `simulate_walks_s`: one call of `simulate_walks`, what a user calls (walks as lists of node ids). Every call
  hands numba fresh closures, which recompiles the walk kernel: seconds of overhead per call;
- `kernel_s`: the median of `repeats` calls of the compiled walk kernel alone, reusing one set of closures after a
  warm-up call (walks as an index matrix): PecanPy at its fastest, the number to compare engines by;
- `end_to_end_s` = `read_s` + `preprocess_s` + `simulate_walks_s`: what a user waits for, from the arrays to one
  round of walks, compilation included (PecanPy compiles its closures again at every call).

PecanPy's walk kernel is a numba `prange` loop over the walks: `--threads` sets numba's thread count (PecanPy's own
`workers` argument is not used by its code).
"""
import argparse, json, statistics, tempfile, time
from pathlib import Path

import numba
import numpy as np
from numba_progress import ProgressBar
from pecanpy import pecanpy

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graph", help=".npz with CSR arrays indptr, indices, weights")
    ap.add_argument("--p", type=float, default=1.0)
    ap.add_argument("--q", type=float, default=1.0)
    ap.add_argument("--num-walks", type=int, default=5)
    ap.add_argument("--walk-length", type=int, default=9, help="steps per walk (nodes - 1)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="numba threads for the walk kernel")
    ap.add_argument("--modes", default="PreComp,SparseOTF,DenseOTF,PreCompFirstOrder")
    a = ap.parse_args()
    numba.set_num_threads(a.threads)
    z = np.load(a.graph)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:   # the same arrays, under the names read_npz expects
        path = Path(tmp) / "graph.npz"
        n = len(z["indptr"]) - 1
        np.savez(path, IDs=np.arange(n).astype(str), data=z["weights"], indptr=z["indptr"], indices=z["indices"])
        for mode in a.modes.split(","):
            if mode == "PreCompFirstOrder" and not (a.p == 1 and a.q == 1): continue  # first order only when p = q = 1
            settings = dict(p=a.p, q=a.q, workers=a.threads, verbose=False, random_state=0)
            t = time.perf_counter()
            if mode == "DenseOTF":   # a dense matrix: its read_npz expects one, so it is built from the CSR arrays
                dense = np.zeros((n, n), np.float32)
                dense[np.repeat(np.arange(n), np.diff(z["indptr"])), z["indices"]] = z["weights"]
                g = pecanpy.DenseOTF.from_mat(dense, [str(i) for i in range(n)], **settings)
            else:
                g = getattr(pecanpy, mode)(**settings)
                g.read_npz(str(path), weighted=True)
            read_s = time.perf_counter() - t
            t = time.perf_counter(); g.preprocess_transition_probs(); g._preprocessed = True
            preprocess_s = time.perf_counter() - t
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
            kernel_s = statistics.median(times)
            out[mode] = {"read_s": read_s, "preprocess_s": preprocess_s, "simulate_walks_s": call, "kernel_s": kernel_s,
                         "kernel_min_s": min(times), "kernel_max_s": max(times), "end_to_end_s": read_s + preprocess_s + call,
                         "walks": len(walks), "transitions": sum(len(w) - 1 for w in walks), "threads": numba.get_num_threads()}
            del walks, g
    print(json.dumps(out))

if __name__ == "__main__":
    main()
