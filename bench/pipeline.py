"""Loop vs fast, stage by stage, on ml-latest-small; walks at the paper's setting against PecanPy and fastnode2vec.

    python bench/pipeline.py [--repeats 3] [--loop-repeats 3] [--pecanpy-python PATH] [--fastnode2vec-python PATH]
                             [--out node2vec_nb/results/pipeline.json]

Everything of node2vec_nb is measured in this one process and run; PecanPy (which needs numpy<2) and fastnode2vec
run in child processes from their own virtual environments, one thread each, on the same graph. Every timing is
the median of at least three runs, printed with its min and max, and every ratio compares medians taken here, so
the ratios hold even though a shared 2-core machine is noisy. Preprocessing (our alias tables and bit matrix,
PecanPy's PreComp tables, fastnode2vec's cumulative weights) is timed apart from the walks and not included in
them. The growth curve at scales 1-100 and the 100x comparison are in bench/scale.py.
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

def write_edge_list(edges, path: Path) -> Path:
    "The graph's edges as PecanPy reads them: 'u<TAB>v<TAB>weight' per line, nodes as integer positions."
    np.savetxt(path, np.column_stack([edges.u, edges.v, edges.weight]), fmt=["%d", "%d", "%.17g"], delimiter="\t")
    return path

def _last_json(cmd: list[str]) -> dict:
    res = subprocess.run(cmd, check=True, capture_output=True, text=True, env=dict(os.environ, **ONE_THREAD))
    return json.loads(res.stdout.strip().splitlines()[-1])

def pecanpy_times(python: str, edge_list: Path, num_walks: int, num_steps: int, p: float, q: float, repeats: int) -> dict:
    "PecanPy's per-mode timings from bench/pecanpy_walks.py, one numba thread."
    return _last_json([python, str(HERE/"pecanpy_walks.py"), str(edge_list), "--p", str(p), "--q", str(q),
                       "--num-walks", str(num_walks), "--walk-length", str(num_steps - 1), "--repeats", str(repeats)])

def fastnode2vec_times(python: str, csr_file: Path, num_walks: int, num_steps: int, p: float, q: float, repeats: int) -> dict:
    "fastnode2vec's timings from bench/fastnode2vec_walks.py, one thread, on our CSR arrays."
    return _last_json([python, str(HERE/"fastnode2vec_walks.py"), str(csr_file), "--p", str(p), "--q", str(q),
                       "--num-walks", str(num_walks), "--num-steps", str(num_steps), "--repeats", str(repeats)])

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3, help="runs of each fast version (median, min, max)")
    ap.add_argument("--loop-repeats", type=int, default=3, help="runs of each loop version (median, min, max)")
    ap.add_argument("--pecanpy-python", help="python of a venv with pecanpy (default $PECANPY_PYTHON, or this one)")
    ap.add_argument("--fastnode2vec-python", help="python of a venv with fastnode2vec 0.0.7 (default $FASTNODE2VEC_PYTHON)")
    ap.add_argument("--no-training", action="store_true", help="skip the training stage")
    ap.add_argument("--out", default=str(HERE.parent / "node2vec_nb" / "results" / "pipeline.json"), help="where to write the results as JSON")
    a = ap.parse_args(argv)
    if min(a.repeats, a.loop_repeats) < 3: ap.error("use at least 3 repeats: one or two runs give no spread")
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"numpy {np.__version__}")
    print(f"node2vec_nb benchmark: {machine}, load average {os.getloadavg()[0]:.1f}\n")
    movies, ratings = load_movielens()

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

    edges = graph_edges(ratings)
    csr = to_csr(edges)
    settings = [("tutorial (5 x 10)", TUTORIAL.num_walks, TUTORIAL.num_steps, 1.0, 1.0)] + [
        ("paper (10 x 80)", 10, 80, p, q) for p, q in [(1.0, 1.0), (0.5, 2.0), (2.0, 0.5), (1.0, 0.125)]]
    pecanpy = _python_with("pecanpy", a.pecanpy_python, "PECANPY_PYTHON")
    fn2v = _python_with("fastnode2vec", a.fastnode2vec_python, "FASTNODE2VEC_PYTHON")
    print("== Walk throughput on ml-latest-small, one thread, walks only (preprocessing timed apart)"
          + ("" if pecanpy else "; PecanPy not found: pass --pecanpy-python")
          + ("" if fn2v else "; fastnode2vec not found: pass --fastnode2vec-python"))
    rows, preprocess_s = [], None
    with tempfile.TemporaryDirectory() as tmp:
        edge_list = write_edge_list(edges, Path(tmp)/"movies.edg") if pecanpy else None
        csr_file = Path(tmp)/"movies_csr.npz"
        np.savez(csr_file, indptr=csr.indptr, indices=csr.indices, weights=csr.weights)
        for name, nw, ns, p, q in settings:
            ours = walk_throughput(csr, nw, ns, p, q, repeats=a.repeats)
            if preprocess_s is None: preprocess_s = ours["preprocess_s"]   # the first call builds the tables; later calls reuse them
            row = dict(setting=name, p=p, q=q, transitions=ours["transitions"], ours_s=ours["seconds"],
                       ours_min_s=ours["min_s"], ours_max_s=ours["max_s"], ours_per_s=ours["transitions_per_s"])
            if pecanpy:
                pec = pecanpy_times(pecanpy, edge_list, nw, ns, p, q, repeats=a.repeats)
                mode = min(pec, key=lambda m: pec[m]["kernel_s"])
                best = pec[mode]
                row.update(pecanpy_mode=mode, pecanpy_call_s=best["simulate_walks_s"], pecanpy_kernel_s=best["kernel_s"],
                           pecanpy_per_s=best["transitions"] / best["kernel_s"])
                row["ours_vs_pecanpy"] = row["ours_per_s"] / row["pecanpy_per_s"]
            if fn2v:
                fn = fastnode2vec_times(fn2v, csr_file, nw, ns, p, q, repeats=a.repeats)
                row.update(fastnode2vec_s=fn["walk_s"], fastnode2vec_min_s=fn["walk_min_s"], fastnode2vec_max_s=fn["walk_max_s"],
                           fastnode2vec_per_s=fn["transitions"] / fn["walk_s"])
                row["ours_vs_fastnode2vec"] = row["ours_per_s"] / row["fastnode2vec_per_s"]
            rows.append(row)
            print("  " + ", ".join(f"{k}={v:,.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), flush=True)
    walks = pd.DataFrame(rows).set_index("setting")
    with pd.option_context("display.width", 250, "display.float_format", "{:,.4g}".format):
        print(walks.to_string())

    results = dict(machine=machine, load_average=os.getloadavg(), repeats=a.repeats, loop_repeats=a.loop_repeats,
                   threads=1, preprocessing_in_walk_times=False, ours_preprocess_s=preprocess_s,
                   stages=stages.reset_index().to_dict(orient="records"), walks=rows,
                   notes=dict(pecanpy="kernel_s: median of repeated calls of PecanPy's compiled walk kernel, best of its modes, "
                                      "after its preprocessing; pecanpy_call_s: one simulate_walks call, which recompiles",
                              fastnode2vec="fastnode2vec 0.0.7's compiled _random_walk_weighted, called for every start "
                                           "from one numba loop, after its row cumsums (bench/fastnode2vec_walks.py)"))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(results, indent=1, default=float) + "\n")
    print(f"\nwrote {a.out}")

if __name__ == "__main__":
    main()
