"""Growth curve and walks at scale: each stage's seconds and peak memory on synthetic_ratings at several scales, and
the walk engine against fastnode2vec on the largest graph; writes one JSON file.

    python bench/scale.py [--scales 1 10 30 100] [--fastnode2vec-python /tmp/fn2v/bin/python] [--out FILE]

Every stage runs in a child process of its own, which starts from the previous stage's output on disk, so the
peak RSS a child reports (its `ru_maxrss`) is the memory that stage needs, inputs included:

- graph: `synthetic_ratings(scale)` and `graph_edges` (the ratings table is part of this stage's memory);
- csr: `to_csr` of the `GraphEdges` arrays (the graph's arrays are part of this stage's memory);
- walks: the alias tables and neighbour-test structure (first call), then 10 walks x 80 nodes per node at the SGNS
  setting p = 1, q = 0.125, and the tutorial's 5 x 10 walks (kept for the next stage);
- examples: `generate_examples` on the tutorial's walks, with the tutorial's window and negatives; skipped (and
  recorded as skipped, with the memory it would need) when that exceeds $BENCH_MEMORY_GIB (default 5 GiB).

With `--fastnode2vec-python` (and `--pecanpy-python`) the largest scale also compares the engines, one walk of 80
nodes from every node, at four p, q settings: node2vec_nb (in a child process; NumPy, one thread) against
fastnode2vec 0.0.7 (bench/fastnode2vec_walks.py) and PecanPy (bench/pecanpy_walks.py), each in its own venv, on
the same CSR arrays, with each of `--threads` (default 1 and every core). PecanPy runs only at p = q = 1, in its
PreCompFirstOrder mode: at 100x its biased modes do not fit or do not finish in reasonable time (PreComp stores
a transition table per pair of adjacent edges, the sum of the squared degrees, about 10^11 entries; DenseOTF a
dense n x n matrix, 7 GB; SparseOTF recomputes a whole row of thousands of neighbours at every step, seconds per
thousand walks already at scale 1). Two measures: walks only (after preprocessing and compilation) and
end to end (preprocessing, compilation where the engine compiles, and the walks, from the CSR arrays). Timings are
medians of `--repeats` runs with their min and max (`--pecanpy-repeats` for PecanPy's slower walks); the CPU
seconds of the process (`time.process_time`) are recorded beside the wall seconds, since on a machine shared with
other work the wall clock also counts the time other processes held the cores. The load average before and after
the comparison is written beside it. `--compare-only` rebuilds the largest graph and runs the comparison alone,
keeping the growth rows of `--out`.
"""
from __future__ import annotations

import argparse, json, os, platform, resource, statistics, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).parent
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")}
MEMORY_BUDGET_GIB = float(os.environ.get("BENCH_MEMORY_GIB", 5))   # a stage expected to need more is skipped
EXAMPLES_BYTES_PER_WALK = 32_000   # generate_examples' peak per tutorial walk (2.46 GiB for 78,810 walks at scale 10)
SETTINGS = [(1.0, 1.0), (0.5, 2.0), (2.0, 0.5), (1.0, 0.125)]   # p, q; the last is the SGNS lesson's setting

def _peak_gib() -> float: return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20   # KiB on Linux

def _timed(fn):
    start = time.perf_counter(); out = fn(); return out, time.perf_counter() - start

def _fmt(v) -> str: return f"{v:,.3g}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v)

def _spread(times: list[float]) -> dict:
    return dict(median_s=statistics.median(times), min_s=min(times), max_s=max(times), repeats=len(times))

def stage_graph(work: Path, scale: float) -> dict:
    import numpy as np
    from node2vec_nb.data import synthetic_ratings
    from node2vec_nb.graph import graph_edges
    ratings, gen_s = _timed(lambda: synthetic_ratings(scale, seed=0))
    edges, graph_s = _timed(lambda: graph_edges(ratings, progress=False))
    np.savez(work/"graph.npz", nodes=np.asarray(edges.nodes, dtype=str), u=edges.u, v=edges.v, weight=edges.weight)
    return dict(ratings=len(ratings), ratings_s=gen_s, graph_s=graph_s, nodes=len(edges.nodes), edges=len(edges.u),
                graph_bytes=int(edges.u.nbytes + edges.v.nbytes + edges.weight.nbytes))

def _load_csr(work: Path):
    import numpy as np
    from node2vec_nb.walk import CSRGraph
    z = np.load(work/"csr.npz")
    return CSRGraph(z["indptr"], z["indices"], z["weights"], list(range(len(z["indptr"]) - 1)))

def stage_csr(work: Path) -> dict:
    import numpy as np
    from node2vec_nb.graph import GraphEdges
    from node2vec_nb.walk import to_csr
    z = np.load(work/"graph.npz")
    edges = GraphEdges(z["nodes"], z["u"], z["v"], z["weight"])
    csr, secs = _timed(lambda: to_csr(edges))
    np.savez(work/"csr.npz", indptr=csr.indptr, indices=csr.indices, weights=csr.weights)
    return dict(csr_s=secs, csr_bytes=int(csr.indptr.nbytes + csr.indices.nbytes + csr.weights.nbytes))

def stage_walks(work: Path) -> dict:
    import numpy as np
    from node2vec_nb.core import TUTORIAL
    from node2vec_nb.walk import random_walks
    csr = _load_csr(work)
    _, alias_s = _timed(lambda: csr.alias)
    bits, bits_s = _timed(lambda: csr.edge_bits)
    cpu = time.process_time()
    walks, walks_s = _timed(lambda: random_walks(csr, 10, 80, 1.0, 0.125, seed=0, progress=False))
    cpu = time.process_time() - cpu
    transitions = int(np.count_nonzero(walks[:, 1:]))
    out = dict(alias_s=alias_s, alias_bytes=int(sum(a.nbytes for a in csr.alias)), bits_s=bits_s,
               bits_bytes=int(bits.nbytes) if bits is not None else 0, walks_s=walks_s, walks_cpu_s=cpu, walk_transitions=transitions,
               transitions_per_s=transitions / walks_s, walks_bytes=int(walks.nbytes))
    del walks
    tutorial, out["tutorial_walks_s"] = _timed(lambda: random_walks(csr, TUTORIAL.num_walks, TUTORIAL.num_steps,
                                                                    TUTORIAL.p, TUTORIAL.q, seed=TUTORIAL.seed, progress=False))
    np.save(work/"walks.npy", tutorial)
    return out

def stage_examples(work: Path) -> dict:
    import numpy as np
    from node2vec_nb.core import TUTORIAL
    from node2vec_nb.skipgram import generate_examples
    walks = np.load(work/"walks.npy")
    need_gib = EXAMPLES_BYTES_PER_WALK * len(walks) / 2**30
    if need_gib > MEMORY_BUDGET_GIB:   # skip, and say so, rather than push a shared machine out of memory
        return dict(examples_s=float("nan"), examples=0, examples_skipped_need_gib=need_gib)   # numbers only: the log prints them
    vocabulary_size = int(walks.max()) + 1
    ex, secs = _timed(lambda: generate_examples(walks, TUTORIAL.window_size, TUTORIAL.num_negative, vocabulary_size,
                                                seed=TUTORIAL.seed, progress=False))
    return dict(examples_s=secs, examples=len(ex.targets))

def stage_ours(work: Path, repeats: int) -> dict:
    "node2vec_nb's walks only: one walk of 80 nodes per node at each setting, tables built (and timed) first."
    import numpy as np
    from node2vec_nb.walk import random_walks
    csr = _load_csr(work)
    _, alias_s = _timed(lambda: csr.alias)
    _, bits_s = _timed(lambda: csr.edge_bits)
    out = dict(preprocess_s=alias_s + bits_s, alias_s=alias_s, bits_s=bits_s, settings={})
    for p, q in SETTINGS:
        times, cpu = [], []
        for r in range(repeats):
            start = time.process_time()
            walks, secs = _timed(lambda: random_walks(csr, 1, 80, p, q, seed=r, progress=False))
            times.append(secs); cpu.append(time.process_time() - start)
        out["settings"][f"{p:g},{q:g}"] = dict(p=p, q=q, transitions=int(np.count_nonzero(walks[:, 1:])),
                                               cpu_s=statistics.median(cpu), **_spread(times))
    return out

STAGES = dict(graph=stage_graph, csr=stage_csr, walks=stage_walks, examples=stage_examples, ours=stage_ours)

def child(stage: str, work: Path, *args) -> dict:
    "Run one stage in a fresh interpreter; its result with the child's peak RSS."
    cmd = [sys.executable, __file__, "--stage", stage, "--work", str(work), *map(str, args)]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", NODE2VEC_NB_PROGRESS="0", **ONE_THREAD)
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode:   # keep going: a stage that fails (e.g. out of memory) is recorded, not fatal
        return dict(error=f"exit {res.returncode}: {res.stderr.strip().splitlines()[-1:] or ''}", peak_gib=float("nan"))
    return json.loads(res.stdout.strip().splitlines()[-1])

def _engine(script: str, python: str, work: Path, threads: int, *args) -> dict:
    "One JSON line from an engine's timing script, run by `python` with `threads` numba threads."
    cmd = [python, str(HERE/script), str(work/"csr.npz"), *map(str, args)]
    env = {**os.environ, **ONE_THREAD, "NUMBA_NUM_THREADS": str(threads)}
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout.strip().splitlines()[-1])

def compare(work: Path, fastnode2vec_python: str | None, pecanpy_python: str | None, repeats: int, pecanpy_repeats: int,
            threads: list[int]) -> dict:
    load_start = os.getloadavg()
    ours = child("ours", work, "--repeats", repeats)
    rows = []
    for key, mine in ours["settings"].items():
        p, q = mine["p"], mine["q"]
        row = dict(p=p, q=q, transitions=mine["transitions"], ours_s=mine["median_s"], ours_min_s=mine["min_s"],
                   ours_max_s=mine["max_s"], ours_cpu_s=mine.get("cpu_s"), ours_end_to_end_s=ours["preprocess_s"] + mine["median_s"])
        for t in threads:
            if fastnode2vec_python:
                fn = _engine("fastnode2vec_walks.py", fastnode2vec_python, work, t, "--p", p, "--q", q, "--num-walks", 1,
                             "--num-steps", 80, "--repeats", repeats, "--threads", t)
                row.update({f"fastnode2vec_{t}t_{k}": fn[k] for k in ("walk_s", "walk_min_s", "walk_max_s", "walk_cpu_s",
                                                                       "preprocess_s", "compile_s", "end_to_end_s", "transitions")})
            if pecanpy_python and p == q == 1:   # its first-order mode; see the module docstring for the others
                pec = _engine("pecanpy_walks.py", pecanpy_python, work, t, "--p", p, "--q", q, "--num-walks", 1,
                              "--walk-length", 79, "--repeats", pecanpy_repeats, "--threads", t,
                              "--modes", "PreCompFirstOrder")["PreCompFirstOrder"]
                row.update({f"pecanpy_{t}t_{k}": pec[k] for k in ("kernel_s", "kernel_min_s", "kernel_max_s", "read_s",
                                                                   "preprocess_s", "simulate_walks_s", "end_to_end_s",
                                                                   "transitions")})
        rows.append(row)
        print("  " + ", ".join(f"{k}={v:,.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), flush=True)
    return dict(repeats=repeats, pecanpy_repeats=pecanpy_repeats, walks_per_node=1, num_steps=80, threads=threads,
                load_average=load_start, load_average_end=os.getloadavg(),
                ours_preprocess_s=ours["preprocess_s"], ours_alias_s=ours["alias_s"], ours_bits_s=ours["bits_s"],
                ours_peak_gib=ours["peak_gib"], settings=rows)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", type=float, nargs="+", default=[1, 10, 30, 100])
    ap.add_argument("--fastnode2vec-python", help="python of a venv with fastnode2vec 0.0.7 (compare at the largest scale)")
    ap.add_argument("--pecanpy-python", help="python of a venv with pecanpy (compare at the largest scale)")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, os.cpu_count()], help="thread counts of the other engines")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each compared walk (median, min, max)")
    ap.add_argument("--pecanpy-repeats", type=int, default=3, help="timed runs of PecanPy's walk kernel")
    ap.add_argument("--compare-only", action="store_true", help="only the comparison at the largest scale; keep the rest of --out")
    ap.add_argument("--out", default=str(HERE.parent / "node2vec_nb" / "results" / "scale.json"))
    ap.add_argument("--stage", choices=list(STAGES), help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    ap.add_argument("--scale", type=float, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.stage:   # inside a child process
        work = Path(a.work)
        args = {"graph": (a.scale,), "ours": (a.repeats,)}.get(a.stage, ())
        out = STAGES[a.stage](work, *args)
        print(json.dumps(dict(out, peak_gib=_peak_gib())))
        return
    import numpy as np
    engines = a.fastnode2vec_python or a.pecanpy_python
    if a.compare_only:
        if not engines: ap.error("--compare-only needs --fastnode2vec-python or --pecanpy-python")
        results = json.loads(Path(a.out).read_text())
        largest = max(a.scales)
        with tempfile.TemporaryDirectory(prefix="n2v_scale_") as tmp:
            for stage in ("graph", "csr"): child(stage, Path(tmp), *(("--scale", largest) if stage == "graph" else ()))
            print(f"scale {largest:g}: one walk of 80 nodes per node, node2vec_nb vs the other engines", flush=True)
            compared = compare(Path(tmp), a.fastnode2vec_python, a.pecanpy_python, a.repeats, a.pecanpy_repeats, a.threads)
        next(r for r in results["scales"] if r["scale"] == largest)["compare"] = compared
        Path(a.out).write_text(json.dumps(results, indent=1) + "\n")
        return print(f"wrote {a.out}")
    results = dict(machine=f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}",
                   load_average=os.getloadavg(), one_thread=True, scales=[])
    print(results["machine"], flush=True)
    for scale in sorted(a.scales):
        with tempfile.TemporaryDirectory(prefix="n2v_scale_") as tmp:
            work, row = Path(tmp), dict(scale=scale)
            for stage in ("graph", "csr", "walks", "examples"):
                got = child(stage, work, *(("--scale", scale) if stage == "graph" else ()))
                row[f"{stage}_peak_gib"] = got.pop("peak_gib")
                row.update(got)
                print(f"scale {scale:g} {stage}: " + ", ".join(f"{k}={_fmt(v)}" for k, v in got.items())
                      + f", peak {row[f'{stage}_peak_gib']:.2f} GiB", flush=True)
            if engines and scale == max(a.scales):
                print(f"scale {scale:g}: one walk of 80 nodes per node, node2vec_nb vs the other engines", flush=True)
                row["compare"] = compare(work, a.fastnode2vec_python, a.pecanpy_python, a.repeats, a.pecanpy_repeats, a.threads)
            results["scales"].append(row)
        results["load_average_end"] = os.getloadavg()
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(json.dumps(results, indent=1) + "\n")   # after every scale: partial results survive
    print(f"wrote {a.out}")

if __name__ == "__main__":
    main()
