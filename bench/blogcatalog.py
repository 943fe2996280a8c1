"""BlogCatalog, the node2vec paper's own benchmark: node2vec's settings tuned, then every method scored under the paper's
protocol and the fair one, at several shares of labelled bloggers.

    python bench/blogcatalog.py tune     # SGNS variants, one setting changed at a time (minutes each on 2 cores)
    python bench/blogcatalog.py tune --round 2   # from the best of round 1: more walks per node
    python bench/blogcatalog.py grid     # node2vec with GRID_SETTINGS (40 walks per node) at every (p, q) of --grid
    python bench/blogcatalog.py report   # every method (or --methods), --ratios, both protocols, --splits splits each
    python bench/blogcatalog.py nested   # node2vec with (p, q) chosen per split among the grid's, at --ratios
    python bench/blogcatalog.py seeds    # BLOGCATALOG_SETTINGS trained with --seeds too, scored at 50%
    python bench/blogcatalog.py all      # all of them, in order

The full run takes hours on two cores (each of the grid's 25 embeddings trains for minutes). Each stage merges what it
measured into the results file, so stages can run one by one; report.covers says what the file covers and
report.commands the commands that made it.

Options: --cache DIR keeps every embedding as .npy (default /tmp/node2vec_nb_blogcatalog), so a stage that stops
can be rerun and goes on where it stopped; --splits N label splits per ratio (default 5); --ratios the shares of
labelled bloggers (default 0.1 ... 0.9); --grid the values of p and q (default the paper's 0.25 0.5 1 2 4);
--jobs N scoring processes. The report writes the results file after each ratio.

Seeds, never shared between tuning and report:
- tuning: embeddings trained with seed TUNE_SEED (1), scored on the label splits TUNE_SPLITS (100, 101) at 50%;
- report: embeddings trained with BLOGCATALOG_SETTINGS.seed (42), scored on the label splits 0 ... N-1;
  the seeds stage trains BLOGCATALOG_SETTINGS with more seeds, to show the spread over embedding seeds.
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
import shlex
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
from node2vec_nb.data import DownloadError
from node2vec_nb.evaluate import spectral_embedding, tutorial_embeddings
from node2vec_nb.sgns import sgns_embeddings

RESULTS = Path(__file__).resolve().parent.parent / "node2vec_nb" / "results" / "blogcatalog.json"
TUNE_SEED, TUNE_SPLITS, TUNE_RATIO = 1, (100, 101), 0.5
GRID = (0.25, 0.5, 1.0, 2.0, 4.0)                       # the paper's values of p and q
START = replace(SGNS_SETTINGS, p=0.25, q=0.25)          # where the tuning starts: the reproduction
GRID_SETTINGS = replace(BLOGCATALOG_SETTINGS, num_walks=40)  # the grid's walks: half, so 25 trainings take an hour

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


# The second round, from the first round's best (40 walks per node): more walks, at equal and at twice the gradient steps
START_2 = replace(START, num_walks=40)
VARIANTS_2 = [
    ("40 walks", "the first round's best: SGNS_SETTINGS, p = q = 0.25, 40 walks", {}, {}),
    ("80 walks, 1 epoch", "walks per node 40 → 80, epochs 2 → 1: the same gradient steps", {"num_walks": 80, "epochs": 1}, {}),
    ("80 walks", "walks per node 40 → 80: twice the gradient steps", {"num_walks": 80}, {}),
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
        on_disk = json.loads(self.times_file.read_text()) if self.times_file.exists() else {}  # another stage's too
        self.seconds = {**on_disk, **self.seconds, key: dict(seconds=round(secs, 1), load=round(os.getloadavg()[0], 1))}
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


def tune(graph, labels, cache: Cache, round_: int = 1) -> None:
    "Each variant of the round, trained with TUNE_SEED and scored on TUNE_SPLITS under both protocols."
    start, variants = (START, VARIANTS) if round_ == 1 else (START_2, VARIANTS_2)
    rows = []
    for name, what, changes, options in variants:
        hp = replace(start, seed=TUNE_SEED, **changes)
        emb = cache.get(settings_key(hp, **options), lambda: sgns_embeddings(graph, hp, **options))
        scores = classification_table({name: emb}, labels, (TUNE_RATIO,), TUNE_SPLITS)
        mean = scores.groupby("protocol")[["macro_f1", "micro_f1"]].mean()
        rows.append(dict(name=name, change=what, settings=changes, options=options,
                         seconds=cache.seconds.get(settings_key(hp, **options), {}).get("seconds"),
                         **{f"{p} {m}": float(mean.loc[p, m]) for p in PROTOCOLS for m in ("macro_f1", "micro_f1")}))
        print(f"  {name:<18} paper {rows[-1]['paper macro_f1']:.4f}  fair {rows[-1]['fair macro_f1']:.4f}", flush=True)
    write_results({"tuning" if round_ == 1 else "tuning_2": dict(
        command="python bench/blogcatalog.py " + shlex.join(sys.argv[1:]), start=asdict(start), seed=TUNE_SEED,
        splits=list(TUNE_SPLITS), train_ratio=TUNE_RATIO, rows=rows, load_average=list(os.getloadavg()))})


def grid_embeddings(graph, cache: Cache, grid=GRID) -> dict[str, np.ndarray]:
    "GRID_SETTINGS at every (p, q) of `grid`, with the report seed."
    out = {}
    for p in grid:
        for q in grid:
            hp = replace(GRID_SETTINGS, p=p, q=q)
            out[f"p={p:g}, q={q:g}"] = cache.get(settings_key(hp), lambda hp=hp: sgns_embeddings(graph, hp))
    return out


def _score_one(name, embedding, labels, protocol, ratio, seed) -> dict:
    "One row of classification_table, for a pool of processes."
    return classification_table({name: embedding}, labels, (ratio,), (seed,), (protocol,), progress=False).iloc[0].to_dict()


def _choose_one(grid, labels, protocol, ratio, seed) -> dict:
    "p and q chosen on the training nodes of one split, then scored: one row, for a pool of processes."
    return dict(method=NESTED, protocol=protocol, train_ratio=ratio, seed=seed,
                **select_and_score(grid, labels, ratio, seed, protocol))


def report_methods(graph, hp=BLOGCATALOG_SETTINGS) -> dict:
    "Each reported method: name to (how it is made, a function that makes it, its cache key)."
    half, deepwalk = GRID_SETTINGS, replace(GRID_SETTINGS, p=1.0, q=1.0)
    methods = {
        "node2vec": (f"sgns_embeddings(graph, BLOGCATALOG_SETTINGS): p = {hp.p:g}, q = {hp.q:g}, "
                     f"{hp.num_walks} walks per node", lambda: sgns_embeddings(graph, hp), settings_key(hp)),
        "node2vec, 40 walks": (f"the same with {half.num_walks} walks per node, as in the grid",
                               lambda: sgns_embeddings(graph, half), settings_key(half)),
        "DeepWalk walks": (f"the same with {half.num_walks} walks per node and p = q = 1",
                           lambda: sgns_embeddings(graph, deepwalk), settings_key(deepwalk)),
        "tutorial model": ("tutorial_embeddings(graph, TUTORIAL)", lambda: tutorial_embeddings(graph, TUTORIAL), "tutorial"),
        "spectral": ("spectral_embedding(graph, 128)", lambda: spectral_embedding(graph, 128), "spectral"),
        "NetMF (T = 1)": ("netmf_embedding(graph, 128, window=1)", lambda: netmf_embedding(graph, 128, window=1), "netmf_1"),
        "NetMF (T = 10)": ("netmf_embedding(graph, 128, window=10, rank=256)",
                           lambda: netmf_embedding(graph, 128, window=10, rank=256), "netmf_10"),
    }
    if hp != START:
        methods["node2vec, SGNS_SETTINGS"] = ("sgns_embeddings(graph, SGNS_SETTINGS) with p = q = 0.25: before tuning",
                                              lambda: sgns_embeddings(graph, START), settings_key(START))
    return methods


NESTED = "node2vec (p, q chosen per split)"
ORDER = ["node2vec", "node2vec, 40 walks", NESTED, "DeepWalk walks"]  # then the rest, as report_methods lists them


def merge_rows(old: list[dict], new: list[dict]) -> list[dict]:
    "`old` score rows, with every (method, protocol, train_ratio, seed) that `new` scores replaced; node2vec's first."
    key = lambda r: (r["method"], r["protocol"], r["train_ratio"], r["seed"])
    fresh = {key(r) for r in new}
    rows = [r for r in old if key(r) not in fresh] + new
    return sorted(rows, key=lambda r: ORDER.index(r["method"]) if r["method"] in ORDER else len(ORDER))


def report(graph, labels, cache: Cache, splits: int, ratios, only, jobs: int) -> None:
    "Every method (or those in `only`) under both protocols at each ratio, merged into the report already there."
    hp, methods = BLOGCATALOG_SETTINGS, report_methods(graph)
    unknown = set(only or ()) - set(methods)
    if unknown: sys.exit(f"--methods: no method {', '.join(sorted(unknown))}; choose from {', '.join(methods)}")
    scored = [m for m in methods if not only or m in only]
    embeddings = {name: cache.get(methods[name][2], methods[name][1]) for name in scored}
    previous = read_results().get("report", {})
    rows, covers = previous.get("scores", []), previous.get("covers", dict(train_ratios=[], splits=list(range(splits))))
    if previous and covers["splits"] != list(range(splits)):
        sys.exit(f"--splits {splits}: the report there has {len(covers['splits'])} splits; rerun every ratio or match it")
    recorded = previous.get("methods", {})
    commands = previous.get("commands", [previous.pop("command")] if "command" in previous else [])
    command, start = "python bench/blogcatalog.py " + shlex.join(sys.argv[1:]), time.perf_counter()
    for name in scored:
        recorded[name] = dict(how=methods[name][0], seconds=cache.seconds.get(methods[name][2], {}).get("seconds"),
                              load=cache.seconds.get(methods[name][2], {}).get("load"),
                              median_row_norm=float(np.median(np.linalg.norm(embeddings[name][1:], axis=1))))
    pool = Parallel(n_jobs=jobs)
    for ratio in ratios:
        print(f"scoring {len(embeddings)} methods x {splits} splits x 2 protocols at {ratio:.0%} "
              f"(load average {os.getloadavg()[0]:.1f})", flush=True)
        rows = merge_rows(rows, pool(delayed(_score_one)(name, e, labels, p, ratio, s)
                                     for name, e in embeddings.items() for p in PROTOCOLS for s in range(splits)))
        covers["train_ratios"] = sorted(set(covers["train_ratios"]) | {ratio})
        write_results({"report": {**previous, "commands": [*commands, command], "settings": asdict(hp),
                                  "c_grid": list(C_GRID), "embedding_seed": hp.seed, "covers": covers,
                                  "methods": recorded, "scores": rows, "jobs": jobs,
                                  "scoring_seconds": round(time.perf_counter() - start, 1),
                                  "load_average": list(os.getloadavg())}})
        previous = read_results()["report"]
        commands = previous["commands"][:-1]


def nested(graph, labels, cache: Cache, splits: int, ratios, grid_values, jobs: int) -> None:
    "node2vec with p and q chosen per split on the training bloggers, among the grid's embeddings, at each ratio."
    grid = grid_embeddings(graph, cache, grid_values)
    method = NESTED
    for ratio in ratios:
        print(f"choosing among {len(grid)} (p, q) on {splits} splits x 2 protocols at {ratio:.0%} "
              f"(load average {os.getloadavg()[0]:.1f})", flush=True)
        start = time.perf_counter()
        new = Parallel(n_jobs=jobs)(delayed(_choose_one)(grid, labels, p, ratio, s)
                                    for p in PROTOCOLS for s in range(splits))
        print(f"  chosen: {[r['chosen'] for r in new]}", flush=True)
        previous = read_results()["report"]
        covers = {**previous["covers"], "grid": list(grid),
                  "nested_ratios": sorted(set(previous["covers"].get("nested_ratios", [])) | {ratio})}
        methods = {**previous["methods"], method: dict(
            how=f"the grid's {len(grid)} embeddings (GRID_SETTINGS at each p, q), one chosen per split by "
                "select_and_score on the split's training bloggers", seconds=None, load=None, median_row_norm=None)}
        write_results({"report": {**previous, "covers": covers, "methods": methods,
                                  "scores": merge_rows(previous["scores"], new),
                                  "nested_command": "python bench/blogcatalog.py " + shlex.join(sys.argv[1:]),
                                  "nested_seconds": round(time.perf_counter() - start, 1)}})


def over_seeds(graph, labels, cache: Cache, seeds, splits: int) -> None:
    "BLOGCATALOG_SETTINGS trained with each embedding seed, scored at 50% on the report's splits."
    hp = BLOGCATALOG_SETTINGS
    embeddings = {f"seed {s}": cache.get(settings_key(replace(hp, seed=s)),
                                         lambda s=s: sgns_embeddings(graph, replace(hp, seed=s)))
                  for s in sorted({hp.seed, *seeds})}
    scores = classification_table(embeddings, labels, (0.5,), range(splits))
    write_results({"over_seeds": dict(settings=asdict(hp), seeds=sorted({hp.seed, *seeds}),
                                      command="python bench/blogcatalog.py " + shlex.join(sys.argv[1:]),
                                      scores=scores.to_dict(orient="records"))})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stage", choices=["tune", "grid", "report", "nested", "seeds", "all"])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/node2vec_nb_blogcatalog"), help="folder for embeddings")
    parser.add_argument("--splits", type=int, default=5, help="label splits per training ratio (default 5)")
    parser.add_argument("--ratios", type=float, nargs="+", default=list(TRAIN_RATIOS),
                        help="shares of labelled bloggers (default 0.1 ... 0.9)")
    parser.add_argument("--methods", nargs="+", help="report: score only these methods, keeping the other rows")
    parser.add_argument("--grid", type=float, nargs="+", default=list(GRID),
                        help="values of p and q for the grid (default the paper's 0.25 0.5 1 2 4)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[43, 44],
                        help="seeds: embedding seeds besides BLOGCATALOG_SETTINGS.seed (default 43 44)")
    parser.add_argument("--jobs", type=int, default=1, help="scoring processes (default 1)")
    parser.add_argument("--round", type=int, choices=[1, 2], default=1,
                        help="tune: 1, one setting at a time from SGNS_SETTINGS; 2, more walks from 40 (default 1)")
    args = parser.parse_args(argv)
    if args.splits < 5: parser.error(f"--splits must be at least 5, got {args.splits}")
    if any(not 0 < r < 1 for r in args.ratios): parser.error(f"--ratios must lie between 0 and 1, got {args.ratios}")
    if args.stage == "nested" and "report" not in read_results():
        parser.error("nested adds to the report: run the report stage first")
    try: graph, labels = load_blogcatalog()
    except DownloadError as e: sys.exit(str(e))
    cache = Cache(args.cache)
    if args.stage in ("tune", "all"): tune(graph, labels, cache, args.round)
    if args.stage in ("grid", "all"): grid_embeddings(graph, cache, args.grid)
    if args.stage in ("report", "all"): report(graph, labels, cache, args.splits, args.ratios, args.methods, args.jobs)
    if args.stage in ("nested", "all"): nested(graph, labels, cache, args.splits, args.ratios, args.grid, args.jobs)
    if args.stage in ("seeds", "all"): over_seeds(graph, labels, cache, args.seeds, args.splits)


if __name__ == "__main__":
    main()
