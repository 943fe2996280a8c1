"""BlogCatalog, the node2vec paper's own benchmark: node2vec's settings tuned, then every method scored under the paper's
protocol and the fair one, at several shares of labelled bloggers.

    python bench/blogcatalog.py tune     # SGNS variants, one setting changed at a time (minutes each on 2 cores)
    python bench/blogcatalog.py grid     # node2vec with BLOGCATALOG_SETTINGS at every (p, q) of --grid
    python bench/blogcatalog.py report   # every method, --ratios, both protocols, --splits splits each
    python bench/blogcatalog.py all      # the three, in order

The full run (the paper's grid of 25 (p, q), ratios 0.1 ... 0.9, 5 splits) takes many hours on two cores. The shipped
results file says exactly what it covers (report.covers); the run that made it is its report.command.

Options: --cache DIR keeps every embedding as .npy (default /tmp/node2vec_nb_blogcatalog), so a stage that stops
can be rerun and goes on where it stopped; --splits N label splits per ratio (default 5); --ratios the shares of
labelled bloggers (default 0.1 ... 0.9); --grid the values of p and q (default the paper's 0.25 0.5 1 2 4);
--nested-ratios the ratios at which p and q are chosen per split (default 0.5); --jobs N scoring processes.
The report writes the results file after each ratio, so a run stopped part-way leaves what it finished.

Seeds, never shared between tuning and report:
- tuning: embeddings trained with seed TUNE_SEED (1), scored on the label splits TUNE_SPLITS (100, 101) at 50%;
- report: embeddings trained with BLOGCATALOG_SETTINGS.seed (42), scored on the label splits 0 ... N-1;
  --extra-seeds trains BLOGCATALOG_SETTINGS with more seeds to show the spread over embedding seeds.
Tuning and report use different random draws of the same 10,312 bloggers: the tuning looks at labels of bloggers that
are test bloggers in some report splits, as the paper's tuning on 10% of the labels did.

Each stage writes its part of node2vec_nb/results/blogcatalog.json, which lesson 12 reads. Set OPENBLAS_NUM_THREADS=1
on a shared machine: liblinear is single-threaded, and threads fighting over two cores only slow the eigensolvers.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("NODE2VEC_NB_PROGRESS", "0")

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from node2vec_nb.blogcatalog import (BLOGCATALOG_SETTINGS, C_GRID, PROTOCOLS, TRAIN_RATIOS, classification_table,
                                     load_blogcatalog, netmf_embedding, select_and_score)
from node2vec_nb.core import SGNS_SETTINGS, TUTORIAL
from node2vec_nb.evaluate import spectral_embedding, tutorial_embeddings
from node2vec_nb.sgns import sgns_embeddings

RESULTS = Path(__file__).resolve().parent.parent / "node2vec_nb" / "results" / "blogcatalog.json"
TUNE_SEED, TUNE_SPLITS, TUNE_RATIO = 1, (100, 101), 0.5
GRID = (0.25, 0.5, 1.0, 2.0, 4.0)                       # the paper's values of p and q
START = replace(SGNS_SETTINGS, p=0.25, q=0.25)          # where the tuning starts: the reproduction

# One setting changed at a time from START (with TUNE_SEED): name, what changed, Hyperparameters changes, sgns_embeddings options
VARIANTS = [
    ("start", "SGNS_SETTINGS, p = q = 0.25", {}, {}),
    ("w + c", "keep target + context vectors", {}, {"vectors": "w + c"}),
    ("4 epochs", "epochs 2 → 4", {"epochs": 4}, {}),
    ("rate 0.01", "learning rate 0.03 → 0.01", {"learning_rate": 0.01}, {}),
    ("rate 0.1", "learning rate 0.03 → 0.1", {"learning_rate": 0.1}, {}),
    ("1 negative", "negatives 5 → 1", {"num_negative": 1}, {}),
    ("no subsampling", "subsampling 1e-3 → none", {}, {"subsample": None}),
    ("noise power 1", "noise power 0.75 → 1", {}, {"noise_power": 1.0}),
    ("window 5", "window 10 → 5", {"window_size": 5}, {}),
    ("window 20", "window 10 → 20", {"window_size": 20}, {}),
    ("40 walks", "walks per node 10 → 40", {"num_walks": 40}, {}),
]


def timed(fn, *args, **kwargs):
    "Run `fn`, returning its result and wall seconds."
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


class Cache:
    "Embeddings kept as .npy files, with the seconds each took to compute, so a stopped stage can go on."
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.times_file = folder / "seconds.json"
        self.seconds = json.loads(self.times_file.read_text()) if self.times_file.exists() else {}

    def get(self, key: str, make) -> np.ndarray:
        path = self.folder / f"{key}.npy"
        if path.exists(): return np.load(path)
        print(f"  computing {key} (load average {os.getloadavg()[0]:.1f})", flush=True)
        embedding, secs = timed(make)
        np.save(path, embedding)
        self.seconds[key] = dict(seconds=round(secs, 1), load=round(os.getloadavg()[0], 1))
        self.times_file.write_text(json.dumps(self.seconds, indent=1))
        return embedding


def settings_key(hp, **options) -> str:
    "A file name for the embedding of these settings and sgns_embeddings options."
    changed = {k: v for k, v in asdict(hp).items() if v != getattr(SGNS_SETTINGS, k)}
    parts = [f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in sorted({**changed, **options}.items())]
    return "sgns_" + "_".join(parts).replace(" ", "").replace("+", "plus")


def read_results() -> dict:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


def write_results(part: dict) -> None:
    "Merge `part` into the results file, with when and how it was made."
    results = {**read_results(), **part}
    results["machine"] = dict(python=platform.python_version(), cpus=os.cpu_count(), system=platform.platform())
    results["date"] = date.today().isoformat()
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {RESULTS}", flush=True)


def tune(graph, labels, cache: Cache) -> None:
    "Each variant of VARIANTS, trained with TUNE_SEED and scored on TUNE_SPLITS under both protocols."
    rows = []
    for name, what, changes, options in VARIANTS:
        hp = replace(START, seed=TUNE_SEED, **changes)
        emb = cache.get(settings_key(hp, **options), lambda: sgns_embeddings(graph, hp, **options))
        scores = classification_table({name: emb}, labels, (TUNE_RATIO,), TUNE_SPLITS)
        mean = scores.groupby("protocol")[["macro_f1", "micro_f1"]].mean()
        rows.append(dict(name=name, change=what, settings=changes, options=options,
                         seconds=cache.seconds.get(settings_key(hp, **options), {}).get("seconds"),
                         **{f"{p} {m}": float(mean.loc[p, m]) for p in PROTOCOLS for m in ("macro_f1", "micro_f1")}))
        print(f"  {name:<16} paper {rows[-1]['paper macro_f1']:.4f}  fair {rows[-1]['fair macro_f1']:.4f}", flush=True)
    write_results({"tuning": dict(command="python bench/blogcatalog.py tune", start=asdict(START), seed=TUNE_SEED,
                                  splits=list(TUNE_SPLITS), train_ratio=TUNE_RATIO, rows=rows,
                                  load_average=list(os.getloadavg()))})


def grid_embeddings(graph, cache: Cache, grid=GRID) -> dict[str, np.ndarray]:
    "BLOGCATALOG_SETTINGS at every (p, q) of `grid`, with the report seed."
    out = {}
    for p in grid:
        for q in grid:
            hp = replace(BLOGCATALOG_SETTINGS, p=p, q=q)
            out[f"p={p:g}, q={q:g}"] = cache.get(settings_key(hp), lambda hp=hp: sgns_embeddings(graph, hp))
    return out


def _score_one(name, embedding, labels, protocol, ratio, seed) -> dict:
    "One row of classification_table, for a pool of processes."
    return classification_table({name: embedding}, labels, (ratio,), (seed,), (protocol,), progress=False).iloc[0].to_dict()


def _choose_one(grid, labels, protocol, ratio, seed) -> dict:
    "p and q chosen on the training nodes of one split, then scored: one row, for a pool of processes."
    return dict(method="node2vec (p, q chosen per split)", protocol=protocol, train_ratio=ratio, seed=seed,
                **select_and_score(grid, labels, ratio, seed, protocol))


def report(graph, labels, cache: Cache, splits: int, ratios, grid_values, nested_ratios, extra_seeds, jobs: int) -> None:
    "Every method under both protocols at each ratio; p and q chosen per split; BLOGCATALOG_SETTINGS over seeds."
    hp = BLOGCATALOG_SETTINGS
    deepwalk = replace(hp, p=1.0, q=1.0)
    methods = {
        "node2vec": (f"sgns_embeddings(graph, BLOGCATALOG_SETTINGS): p = {hp.p:g}, q = {hp.q:g}",
                     lambda: sgns_embeddings(graph, hp), settings_key(hp)),
        "DeepWalk walks": ("the same, with p = q = 1", lambda: sgns_embeddings(graph, deepwalk), settings_key(deepwalk)),
        "tutorial model": ("tutorial_embeddings(graph, TUTORIAL)", lambda: tutorial_embeddings(graph, TUTORIAL), "tutorial"),
        "spectral": ("spectral_embedding(graph, 128)", lambda: spectral_embedding(graph, 128), "spectral"),
        "NetMF (T = 1)": ("netmf_embedding(graph, 128, window=1)", lambda: netmf_embedding(graph, 128, window=1), "netmf_1"),
        "NetMF (T = 10)": ("netmf_embedding(graph, 128, window=10, rank=256)",
                           lambda: netmf_embedding(graph, 128, window=10, rank=256), "netmf_10"),
    }
    if hp != START:
        methods["node2vec, SGNS_SETTINGS"] = ("sgns_embeddings(graph, SGNS_SETTINGS) with p = q = 0.25: before tuning",
                                              lambda: sgns_embeddings(graph, START), settings_key(START))
    embeddings = {name: cache.get(key, make) for name, (_, make, key) in methods.items()}
    seeds, pool = range(splits), Parallel(n_jobs=jobs)
    norms = {name: float(np.median(np.linalg.norm(e[1:], axis=1))) for name, e in embeddings.items()}
    rows, covers, start = [], dict(train_ratios=[], splits=list(seeds), grid=[], nested_ratios=[]), time.perf_counter()

    def save():
        write_results({"report": dict(
            command=" ".join(["python bench/blogcatalog.py", *sys.argv[1:]]), settings=asdict(hp), c_grid=list(C_GRID),
            embedding_seed=hp.seed, covers=covers,
            methods={name: dict(how=how, seconds=cache.seconds.get(key, {}).get("seconds"),
                                load=cache.seconds.get(key, {}).get("load"), median_row_norm=norms[name])
                     for name, (how, _, key) in methods.items()},
            scores=rows, scoring_seconds=round(time.perf_counter() - start, 1), jobs=jobs,
            load_average=list(os.getloadavg()))})

    for ratio in ratios:
        print(f"scoring {len(embeddings)} methods x {splits} splits x 2 protocols at {ratio:.0%} "
              f"(load average {os.getloadavg()[0]:.1f})", flush=True)
        rows += pool(delayed(_score_one)(name, e, labels, p, ratio, s)
                     for name, e in embeddings.items() for p in PROTOCOLS for s in seeds)
        covers["train_ratios"].append(ratio)
        save()
    if nested_ratios:
        grid = grid_embeddings(graph, cache, grid_values)
        covers["grid"] = list(grid)
        for ratio in nested_ratios:
            rows += pool(delayed(_choose_one)(grid, labels, p, ratio, s) for p in PROTOCOLS for s in seeds)
            print(f"  p, q chosen at {ratio:.0%}: {[r['chosen'] for r in rows[-2 * splits:]]}", flush=True)
            covers["nested_ratios"].append(ratio)
            save()
    extra = {f"seed {s}": cache.get(settings_key(replace(hp, seed=s)), lambda s=s: sgns_embeddings(graph, replace(hp, seed=s)))
             for s in extra_seeds}
    if extra:
        over_seeds = classification_table({f"seed {hp.seed}": embeddings["node2vec"], **extra}, labels, (0.5,), seeds)
        write_results({"over_seeds": dict(settings=asdict(hp), scores=over_seeds.to_dict(orient="records"))})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stage", choices=["tune", "grid", "report", "all"])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/node2vec_nb_blogcatalog"), help="folder for embeddings")
    parser.add_argument("--splits", type=int, default=5, help="label splits per training ratio (default 5)")
    parser.add_argument("--ratios", type=float, nargs="+", default=list(TRAIN_RATIOS),
                        help="shares of labelled bloggers (default 0.1 ... 0.9)")
    parser.add_argument("--grid", type=float, nargs="+", default=list(GRID),
                        help="values of p and q for the grid (default the paper's 0.25 0.5 1 2 4)")
    parser.add_argument("--nested-ratios", type=float, nargs="*", default=[0.5],
                        help="ratios at which p and q are chosen per split (default 0.5; none: skip the grid)")
    parser.add_argument("--extra-seeds", type=int, nargs="*", default=[43, 44],
                        help="more embedding seeds for BLOGCATALOG_SETTINGS at 50%% (default 43 44)")
    parser.add_argument("--jobs", type=int, default=1, help="scoring processes (default 1)")
    args = parser.parse_args(argv)
    if args.splits < 5: parser.error(f"--splits must be at least 5, got {args.splits}")
    if any(not 0 < r < 1 for r in args.ratios): parser.error(f"--ratios must lie between 0 and 1, got {args.ratios}")
    graph, labels = load_blogcatalog()
    cache = Cache(args.cache)
    if args.stage in ("tune", "all"): tune(graph, labels, cache)
    if args.stage in ("grid", "all"): grid_embeddings(graph, cache, args.grid)
    if args.stage in ("report", "all"):
        report(graph, labels, cache, args.splits, args.ratios, args.grid, args.nested_ratios, args.extra_seeds, args.jobs)


if __name__ == "__main__":
    main()
