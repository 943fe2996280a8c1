"""Loop vs fast, stage by stage, on ml-latest-small; walks at the paper's setting against PecanPy and fastnode2vec.

    python bench/pipeline.py [--repeats 3] [--loop-repeats 3] [--pecanpy-python PATH] [--fastnode2vec-python PATH]
                             [--out node2vec_nb/results/pipeline.json]

Everything of node2vec_nb is measured in this one process and run; PecanPy (which needs numpy<2) and fastnode2vec
run in child processes from their own virtual environments, on the same CSR arrays, with 1 thread and with every
core (`--threads`; node2vec_nb's engine is NumPy and uses one). Every timing is the median of at least three runs,
printed with its min and max, and every ratio compares medians taken here. Two measures per engine:

- walks only: the walk kernel, after each engine's preprocessing and compilation (engines at their fastest);
- end to end: what a user waits for, from the CSR arrays to one round of walks: preprocessing (our alias tables and
  bit matrix, PecanPy's loading and PreComp tables, fastnode2vec's cumulative weights), compilation (fastnode2vec
  once per process, PecanPy at every call) and the walks.

Timings need a quiet machine: the load average before and after each part is written to the results file.
`--walks-only` measures the engines again and keeps the stage table of the results file. The growth curve at
scales 1-100 and the 100x comparison are in bench/scale.py.
"""
from __future__ import annotations

import argparse, json, os, platform, subprocess, sys, tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import pandas as pd

from node2vec_nb.core import TUTORIAL
from node2vec_nb.data import load_movielens
from node2vec_nb.graph import graph_edges
from node2vec_nb.walk import to_csr
from node2vec_nb.bench import time_stages, format_stages, walk_throughput

HERE = Path(__file__).parent
TARGETS = {"graph": 10, "walks": 300, "examples": 30, "training": 4}  # from the speed issue
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")}

def _python_with(module: str, arg: str | None, env_var: str) -> str | None:
    "The interpreter that can import `module`: the argument, $env_var, or this one if it has the module."
    for cand in (arg, os.environ.get(env_var)):
        if cand: return cand
    try:
        __import__(module)
        return sys.executable
    except ImportError: return None

def _last_json(cmd: list[str], threads: int = 1) -> dict:
    env = {**os.environ, **ONE_THREAD, "NUMBA_NUM_THREADS": str(threads)}
    res = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(res.stdout.strip().splitlines()[-1])

def pecanpy_times(python: str, csr_file: Path, num_walks: int, num_steps: int, p: float, q: float, repeats: int,
                  threads: int = 1, modes: str = "PreComp,SparseOTF,DenseOTF,PreCompFirstOrder") -> dict:
    "PecanPy's per-mode timings from bench/pecanpy_walks.py, on our CSR arrays."
    return _last_json([python, str(HERE/"pecanpy_walks.py"), str(csr_file), "--p", str(p), "--q", str(q),
                       "--num-walks", str(num_walks), "--walk-length", str(num_steps - 1), "--repeats", str(repeats),
                       "--threads", str(threads), "--modes", modes], threads)

def fastnode2vec_times(python: str, csr_file: Path, num_walks: int, num_steps: int, p: float, q: float, repeats: int,
                       threads: int = 1) -> dict:
    "fastnode2vec's timings from bench/fastnode2vec_walks.py, on our CSR arrays."
    return _last_json([python, str(HERE/"fastnode2vec_walks.py"), str(csr_file), "--p", str(p), "--q", str(q),
                       "--num-walks", str(num_walks), "--num-steps", str(num_steps), "--repeats", str(repeats),
                       "--threads", str(threads)], threads)

def pecanpy_row(times: dict, prefix: str) -> dict:
    "The best PecanPy mode by walk kernel and the best by end-to-end time, as columns starting with `prefix`."
    walk_mode = min(times, key=lambda m: times[m]["kernel_s"])
    e2e_mode = min(times, key=lambda m: times[m]["end_to_end_s"])
    return {f"{prefix}_mode": walk_mode, f"{prefix}_s": times[walk_mode]["kernel_s"],
            f"{prefix}_min_s": times[walk_mode]["kernel_min_s"], f"{prefix}_max_s": times[walk_mode]["kernel_max_s"],
            f"{prefix}_call_s": times[walk_mode]["simulate_walks_s"], f"{prefix}_end_to_end_mode": e2e_mode,
            f"{prefix}_end_to_end_s": times[e2e_mode]["end_to_end_s"]}

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3, help="runs of each fast version (median, min, max)")
    ap.add_argument("--loop-repeats", type=int, default=3, help="runs of each loop version (median, min, max)")
    ap.add_argument("--pecanpy-python", help="python of a venv with pecanpy (default $PECANPY_PYTHON, or this one)")
    ap.add_argument("--fastnode2vec-python", help="python of a venv with fastnode2vec 0.0.7 (default $FASTNODE2VEC_PYTHON)")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, os.cpu_count()],
                    help="thread counts for PecanPy and fastnode2vec (default: 1 and every core)")
    ap.add_argument("--no-training", action="store_true", help="skip the training stage")
    ap.add_argument("--walks-only", action="store_true", help="measure the walk engines only; keep the stage table of --out")
    ap.add_argument("--out", default=str(HERE.parent / "node2vec_nb" / "results" / "pipeline.json"), help="where to write the results as JSON")
    a = ap.parse_args(argv)
    if min(a.repeats, a.loop_repeats) < 3: ap.error("use at least 3 repeats: one or two runs give no spread")
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"numpy {np.__version__}")
    print(f"node2vec_nb benchmark: {machine}, load average {os.getloadavg()[0]:.1f}\n")
    movies, ratings = load_movielens()
    results = dict(machine=machine)
    if a.walks_only:
        old = json.loads(Path(a.out).read_text())
        results.update({k: old[k] for k in ("load_average", "stages_load_average_end", "repeats", "loop_repeats", "stages")
                        if k in old})
    else:
        results.update(load_average=os.getloadavg(), repeats=a.repeats, loop_repeats=a.loop_repeats)
        print(f"== Stages, tutorial settings, ml-latest-small (fast x{a.repeats}, loop x{a.loop_repeats}: median (min-max))")
        stages = time_stages(ratings, TUTORIAL, repeats=a.repeats, loop_repeats=a.loop_repeats, training=not a.no_training)
        shown = format_stages(stages)
        shown["target"] = [f">= {TARGETS[s]}x" if s in TARGETS else "" for s in stages.index]
        shown["met"] = ["yes" if s in TARGETS and r >= TARGETS[s] else ("no" if s in TARGETS else "") for s, r in zip(stages.index, stages.speedup)]
        with pd.option_context("display.width", 250, "display.max_colwidth", 60):
            print(shown.to_string())
        arrays = stages.drop(index="graph + networkx")
        print(f"end to end (graph as arrays, medians): loop {arrays.loop_s.sum():.1f} s, fast {arrays.fast_s.sum():.2f} s, "
              f"{arrays.loop_s.sum() / arrays.fast_s.sum():.1f}x\n")
        results.update(stages=stages.reset_index().to_dict(orient="records"), stages_load_average_end=os.getloadavg())

    edges = graph_edges(ratings)
    settings = [("tutorial (5 x 10)", TUTORIAL.num_walks, TUTORIAL.num_steps, 1.0, 1.0)] + [
        ("paper (10 x 80)", 10, 80, p, q) for p, q in [(1.0, 1.0), (0.5, 2.0), (2.0, 0.5), (1.0, 0.125)]]
    pecanpy = _python_with("pecanpy", a.pecanpy_python, "PECANPY_PYTHON")
    fn2v = _python_with("fastnode2vec", a.fastnode2vec_python, "FASTNODE2VEC_PYTHON")
    walks_load = os.getloadavg()
    print(f"== Walks on ml-latest-small, walks only and end to end, threads {a.threads} for PecanPy and fastnode2vec"
          + ("" if pecanpy else "; PecanPy not found: pass --pecanpy-python")
          + ("" if fn2v else "; fastnode2vec not found: pass --fastnode2vec-python"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        csr_file = Path(tmp)/"movies_csr.npz"
        csr = to_csr(edges)
        np.savez(csr_file, indptr=csr.indptr, indices=csr.indices, weights=csr.weights)
        for name, nw, ns, p, q in settings:
            fresh = to_csr(edges)   # tables not built yet: walk_throughput times them, then the walks
            ours = walk_throughput(fresh, nw, ns, p, q, repeats=a.repeats)
            row = dict(setting=name, p=p, q=q, transitions=ours["transitions"], ours_s=ours["seconds"],
                       ours_min_s=ours["min_s"], ours_max_s=ours["max_s"], ours_per_s=ours["transitions_per_s"],
                       ours_preprocess_s=ours["preprocess_s"], ours_end_to_end_s=ours["preprocess_s"] + ours["seconds"])
            for threads in a.threads:
                if pecanpy:
                    row.update(pecanpy_row(pecanpy_times(pecanpy, csr_file, nw, ns, p, q, a.repeats, threads), f"pecanpy_{threads}t"))
                if fn2v:
                    fn = fastnode2vec_times(fn2v, csr_file, nw, ns, p, q, a.repeats, threads)
                    row.update({f"fastnode2vec_{threads}t_{k}": fn[k] for k in
                                ("walk_s", "walk_min_s", "walk_max_s", "preprocess_s", "compile_s", "end_to_end_s")})
            rows.append(row)
            print("  " + ", ".join(f"{k}={v:,.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), flush=True)
    walks = pd.DataFrame(rows).set_index("setting")
    with pd.option_context("display.width", 250, "display.float_format", "{:,.4g}".format):
        print(walks.to_string())

    results.update(walks_load_average=walks_load, walks_load_average_end=os.getloadavg(), walk_repeats=a.repeats,
                   threads=a.threads, walks=rows,
                   notes=dict(ours="node2vec_nb's engine is NumPy: one thread. ours_s: walks only, after the tables; "
                                   "ours_end_to_end_s: alias tables and bit matrix + walks, from the CSR arrays",
                              pecanpy="pecanpy_<N>t_s: median of the compiled walk kernel of its fastest mode, after its "
                                      "preprocessing; pecanpy_<N>t_end_to_end_s: read_npz + preprocessing + one simulate_walks "
                                      "call (which recompiles), for the mode fastest that way",
                              fastnode2vec="fastnode2vec 0.0.7's compiled _random_walk_weighted, called for every start from "
                                           "one numba loop per thread, after its row cumsums (bench/fastnode2vec_walks.py); "
                                           "end to end: cumsums + compilation + walks"))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(results, indent=1, default=float) + "\n")
    print(f"\nwrote {a.out}")

if __name__ == "__main__":
    main()
