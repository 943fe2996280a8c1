"""Loop vs fast, stage by stage, on ml-latest-small; walks at the paper's setting; PecanPy; the 100x scale point.

    python bench/pipeline.py [--repeats 5] [--loop-repeats 3] [--pecanpy-python PATH] [--scale 100]

Everything is measured in this one process and run (PecanPy in a child process, since it needs numpy<2),
and every ratio compares medians taken here, so the ratios hold even though a 2-core machine is noisy.
"""
from __future__ import annotations

import argparse, json, os, platform, subprocess, sys, tempfile, time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import pandas as pd

from node2vec_nb.core import TUTORIAL
from node2vec_nb.data import load_movielens, synthetic_ratings
from node2vec_nb.graph import graph_edges
from node2vec_nb.walk import to_csr
from node2vec_nb.bench import time_stages, walk_throughput, peak_memory

HERE = Path(__file__).parent
TARGETS = {"graph": 10, "walks": 300, "examples": 30, "training": 4}  # from the speed issue

def _pecanpy_python(arg: str | None) -> str | None:
    "The interpreter that can import pecanpy: the argument, $PECANPY_PYTHON, or this one if it has pecanpy."
    for cand in (arg, os.environ.get("PECANPY_PYTHON")):
        if cand: return cand
    try:
        import pecanpy  # noqa: F401
        return sys.executable
    except ImportError: return None

def write_edge_list(edges, path: Path) -> Path:
    "The graph's edges as PecanPy reads them: 'u<TAB>v<TAB>weight' per line, nodes as integer positions."
    np.savetxt(path, np.column_stack([edges.u, edges.v, edges.weight]), fmt=["%d", "%d", "%.17g"], delimiter="\t")
    return path

def pecanpy_times(python: str, edge_list: Path, num_walks: int, num_steps: int, p: float, q: float, repeats: int) -> dict:
    "PecanPy's per-mode timings from bench/pecanpy_walks.py, one numba thread."
    cmd = [python, str(HERE/"pecanpy_walks.py"), str(edge_list), "--p", str(p), "--q", str(q),
           "--num-walks", str(num_walks), "--walk-length", str(num_steps - 1), "--repeats", str(repeats)]
    env = dict(os.environ, NUMBA_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout.strip().splitlines()[-1])

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5, help="runs of each fast version (median)")
    ap.add_argument("--loop-repeats", type=int, default=3, help="runs of each loop version (median)")
    ap.add_argument("--pecanpy-python", help="python of a venv with pecanpy (default $PECANPY_PYTHON, or this one)")
    ap.add_argument("--scale", type=float, default=100, help="size of the synthetic ratings table, x ml-latest-small")
    ap.add_argument("--no-training", action="store_true", help="skip the training stage")
    a = ap.parse_args(argv)
    print(f"node2vec_nb benchmark: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, numpy {np.__version__}\n")
    movies, ratings = load_movielens()

    print(f"== Stages, tutorial settings, ml-latest-small (fast x{a.repeats}, loop x{a.loop_repeats}, medians)")
    stages = time_stages(ratings, TUTORIAL, repeats=a.repeats, loop_repeats=a.loop_repeats, training=not a.no_training)
    stages["target"] = [f">= {TARGETS[s]}x" if s in TARGETS else "" for s in stages.index]
    stages["met"] = ["yes" if s in TARGETS and r >= TARGETS[s] else ("no" if s in TARGETS else "") for s, r in zip(stages.index, stages.speedup)]
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(stages.to_string(formatters={"loop_s": "{:.3f}".format, "fast_s": "{:.4f}".format, "speedup": "{:.1f}x".format}))
    total_loop, total_fast = stages.drop(index="graph + networkx").loop_s.sum(), stages.drop(index="graph + networkx").fast_s.sum()
    print(f"end to end (graph as arrays): loop {total_loop:.1f} s, fast {total_fast:.2f} s, {total_loop / total_fast:.1f}x\n")

    edges = graph_edges(ratings)
    csr = to_csr(edges)
    settings = [("tutorial (5 x 10)", TUTORIAL.num_walks, TUTORIAL.num_steps, 1.0, 1.0),
                ("paper (10 x 80)", 10, 80, 1.0, 1.0), ("paper (10 x 80)", 10, 80, 0.5, 2.0), ("paper (10 x 80)", 10, 80, 2.0, 0.5)]
    python = _pecanpy_python(a.pecanpy_python)
    print("== Walk throughput, one thread" + ("" if python else " (PecanPy not found: pass --pecanpy-python)"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        edge_list = write_edge_list(edges, Path(tmp)/"movies.edg") if python else None
        for name, nw, ns, p, q in settings:
            ours = walk_throughput(csr, nw, ns, p, q, repeats=a.repeats)
            row = dict(setting=name, p=p, q=q, transitions=ours["transitions"], ours_s=ours["seconds"],
                       ours_per_s=ours["transitions_per_s"])
            if python:
                pec = pecanpy_times(python, edge_list, nw, ns, p, q, repeats=min(a.repeats, 3))
                mode = min(pec, key=lambda m: pec[m]["kernel_s"])
                best = pec[mode]
                row.update(pecanpy_mode=mode, pecanpy_call_s=best["simulate_walks_s"], pecanpy_kernel_s=best["kernel_s"],
                           pecanpy_per_s=best["transitions"] / best["kernel_s"])
                row["ours_vs_pecanpy"] = row["ours_per_s"] / row["pecanpy_per_s"]
            rows.append(row)
    walks = pd.DataFrame(rows).set_index("setting")
    with pd.option_context("display.width", 250, "display.float_format", "{:,.4g}".format):
        print(walks.to_string())
    print()

    print(f"== Graph at scale {a.scale:g} (synthetic_ratings, power-law users and movies)")
    start = time.perf_counter(); synthetic = synthetic_ratings(scale=a.scale, seed=0); gen = time.perf_counter() - start
    table_gib = synthetic.memory_usage(deep=True).sum() / 2**30
    scaled, secs, peak = peak_memory(lambda: graph_edges(synthetic, progress=False))
    print(f"{len(synthetic):,} ratings ({table_gib:.2f} GiB, generated in {gen:.1f} s) -> {scaled}")
    print(f"graph_edges: {secs:.1f} s, peak memory while building {peak / 2**30:.2f} GiB (tracemalloc)")

if __name__ == "__main__":
    main()
