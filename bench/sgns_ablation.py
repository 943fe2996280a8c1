"""The tutorial's model vs. SGNS on ml-latest-small: a 2 x 2 factorial, and an ablation of SGNS_SETTINGS, over many seeds.

    python bench/sgns_ablation.py [--seeds 300 ... 309] [--rows ...]   # train, then score
    python bench/sgns_ablation.py --score-only                         # re-score the saved vectors

The factorial crosses two factors, every combination on every seed (FACTORIAL):
- objective: the tutorial's model (one shared table, binary cross-entropy on pairs with uniform negatives drawn once,
  Adam at 1e-3 on batches of 1,024 pairs) or SGNS (separate tables, unigram^0.75 noise drawn every batch, subsampling,
  Adam at SGNS_SETTINGS's rate on batches of walks);
- walks and dimension: the tutorial's (5 walks of 10 steps per node, q = 1, 50 dimensions) or the paper's scale as
  SGNS_SETTINGS has it (10 walks of 80 steps, its q, 128 dimensions). On the tutorial's walks SGNS also takes the
  tutorial's 10 epochs and 4 negatives: with 16 times fewer tokens, its own 2 epochs would leave it barely trained.
  The tutorial's model keeps its 10 epochs and 4 negatives on both walks.
The ablation rows change one setting of SGNS_SETTINGS at a time (walk length, q, dimension, subsampling, how
subsampling treats the window, the noise power). Every seed seeds the walks, the edge split, the model and the genre
folds; the seeds are REPORT_SEEDS of bench/sgns_vs_gensim.py, which no setting was chosen or tuned on. To fit a
shared 2-core machine, each model is trained once per seed, on the graph with 10% of its edges hidden, and those
vectors are scored on both tasks: link prediction (ROC-AUC and Hits@50 on the hidden edges, by cosine and by a
classifier on each of link_table's four edge features) and genre macro-F1 (5-fold; every movie keeps at least one
edge, so every movie has a vector). Genre scores are therefore a little lower than with vectors of the full graph.
The vectors are saved under bench/results/ablation/ (git-ignored), so the scoring can be rerun with new measures
without training again; the scores, with training-free link heuristics, a spectral embedding and random vectors
beside them, go to node2vec_nb/results/sgns_ablation.json, which the SGNS lesson (nbs/08_sgns.ipynb) reads.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from dataclasses import asdict, replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("NODE2VEC_NB_PROGRESS", "0")

import numpy as np

from node2vec_nb.core import TUTORIAL
from node2vec_nb.data import load_movielens
from node2vec_nb.evaluate import (NEGATIVES, genre_prediction, link_table, random_embeddings, spectral_embedding, split_edges,
                                  tutorial_embeddings)
from node2vec_nb.graph import build_graph
from node2vec_nb.sgns import SGNS_SETTINGS, sgns_embeddings
from node2vec_nb.walk import make_vocabulary
from sgns_vs_gensim import REPORT_SEEDS, check_report_seeds  # bench/: the seeds no setting was chosen on

HERE = Path(__file__).parent
VECTORS = HERE / "results" / "ablation"
RESULTS = HERE.parent / "node2vec_nb" / "results" / "sgns_ablation.json"
SEEDS = REPORT_SEEDS
HP = SGNS_SETTINGS

# name -> (model, hyperparameters, keyword arguments of sgns_embeddings)
ROWS = {
    "SGNS (SGNS_SETTINGS)": ("sgns", HP, {}),
    "no subsampling": ("sgns", HP, dict(subsample=None)),
    "noise power 0 (uniform)": ("sgns", HP, dict(noise_power=0.0)),
    "noise power 1 (raw counts)": ("sgns", HP, dict(noise_power=1.0)),
    "q = 1 (p = q = 1 walks)": ("sgns", replace(HP, q=1.0), {}),
    "walks of 10 steps": ("sgns", replace(HP, num_steps=10), {}),
    "50 dimensions": ("sgns", replace(HP, embedding_dim=50), {}),
    "tutorial as published": ("tutorial", TUTORIAL, {}),
    "SGNS on the tutorial's walks, dimension and negatives": ("sgns", replace(HP, num_walks=TUTORIAL.num_walks, num_steps=TUTORIAL.num_steps,
                                                                               q=TUTORIAL.q, embedding_dim=TUTORIAL.embedding_dim,
                                                                               num_negative=TUTORIAL.num_negative, epochs=TUTORIAL.epochs), {}),
    "subsampling closes gaps (word2vec)": ("sgns", HP, dict(close_gaps=True)),
    "tutorial model on SGNS's walks and dimension": ("tutorial", replace(TUTORIAL, num_walks=HP.num_walks, num_steps=HP.num_steps, q=HP.q,
                                                                          embedding_dim=HP.embedding_dim), {}),
}
FACTORIAL = {  # (objective, walks and dimension) -> row
    ("tutorial", "tutorial"): "tutorial as published",
    ("SGNS", "tutorial"): "SGNS on the tutorial's walks, dimension and negatives",
    ("tutorial", "paper"): "tutorial model on SGNS's walks and dimension",
    ("SGNS", "paper"): "SGNS (SGNS_SETTINGS)",
}
EARLY = tuple(FACTORIAL.values())  # trained first, for every seed; the ablation rows after them


def train(name: str, graph, seed: int) -> tuple[np.ndarray, float]:
    "Vectors of one row for one seed, and the wall seconds it took (walks included)."
    model, hp, kwargs = ROWS[name]
    hp = replace(hp, seed=seed)
    start = time.perf_counter()
    emb = sgns_embeddings(graph, hp, **kwargs) if model == "sgns" else tutorial_embeddings(graph, hp)
    return emb, time.perf_counter() - start


def _file(name: str, seed: int, which: str) -> Path:
    return VECTORS / f"{''.join(c if c.isalnum() else '_' for c in name)}_{seed}_{which}.npy"


ASSEMBLE = False  # --assemble: only read scores computed before, compute nothing


def _cached(path: Path, compute) -> dict:
    "The JSON in `path`, computed and saved there first if missing (with --assemble: {} if missing)."
    if not path.exists():
        if ASSEMBLE: return {}
        path.write_text(json.dumps(compute()))
    return json.loads(path.read_text())


def score(names, seeds, graph, vocabulary, movies, what=("link", "genre"), order=None) -> dict:
    "Per seed, one row per score: genre macro/micro-F1 and, for every kind of non-edges, link ROC-AUC and Hits@K."
    out = {}
    for seed in seeds:
        vectors = {name: _file(name, seed, "split") for name in names if _file(name, seed, "split").exists()}
        if not vectors: continue
        lazy = {}
        def splits_():  # made only when something has to be computed
            if not lazy: lazy.update({negatives: split_edges(graph, seed=seed, negatives=negatives) for negatives in NEGATIVES})
            return lazy
        baselines = {f"spectral ({dim} dimensions)": lambda dim=dim: spectral_embedding(splits_()["uniform"].train_graph, dim=dim, seed=seed)
                     for dim in (TUTORIAL.embedding_dim, HP.embedding_dim)}
        baselines["random"] = lambda: random_embeddings((len(vocabulary), HP.embedding_dim), seed=seed)

        def links(emb) -> dict:
            return link_table({"v": emb}, splits_(), heuristics=()).to_dict(orient="index")

        def genres(emb) -> dict:
            genre = genre_prediction(emb, vocabulary, movies, seed=seed)
            return {"genre macro-F1": genre["macro_f1"], "genre micro-F1": genre["micro_f1"]}

        table = _cached(VECTORS / f"score_heuristics_{seed}.json", lambda: link_table({}, splits_()).to_dict(orient="index"))
        makers = {**{n: (lambda f=f: np.load(f)) for n, f in vectors.items()}, **baselines}
        for name, make in [(n, makers[n]) for n in order if n in makers] if order else makers.items():
            stem = "".join(c if c.isalnum() else "_" for c in name)
            if "link" in what:
                for how, row in _cached(VECTORS / f"link_{stem}_{seed}.json", lambda: links(make())).items():
                    table[how.replace("v (", f"{name} (", 1)] = row
            if "genre" in what:
                genre = _cached(VECTORS / f"genre_{stem}_{seed}.json", lambda: genres(make()))
                if genre and f"{name} (cosine)" in table: table[f"{name} (cosine)"].update(genre)
            print(f"seed {seed}: {name} scored", flush=True)
        out[str(seed)] = table
        print(f"scored seed {seed}: {len(vectors)} trained sets of vectors", flush=True)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--rows", nargs="+", default=list(ROWS), help="Row names to train (default: all).")
    parser.add_argument("--score-only", action="store_true", help="Score the saved vectors without training.")
    parser.add_argument("--no-score", action="store_true", help="Train only (for several processes sharing the work).")
    parser.add_argument("--scores", nargs="+", default=["link", "genre"], choices=["link", "genre"], help="Which scores to compute.")
    parser.add_argument("--order", nargs="+", help="With --score-only: score only these sets of vectors, in this order.")
    parser.add_argument("--assemble", action="store_true", help="Write the results file from scores computed before.")
    args = parser.parse_args(argv)
    check_report_seeds(args.seeds)
    global ASSEMBLE
    ASSEMBLE = args.assemble
    if args.assemble: args.score_only = True
    movies = graph = vocabulary = None  # --assemble reads saved scores only
    if not args.assemble:
        movies, ratings = load_movielens()
        graph = build_graph(ratings)
        vocabulary, _ = make_vocabulary(graph)
    VECTORS.mkdir(parents=True, exist_ok=True)
    if not args.score_only:
        early = [name for name in args.rows if name in EARLY]
        order = [(seed, name) for names in (early, [n for n in args.rows if n not in EARLY]) for seed in args.seeds for name in names]
        train_graphs = {seed: split_edges(graph, seed=seed).train_graph for seed in args.seeds}
        for seed, name in order:  # factorial rows for every seed first, the others after: an interrupted run still has them
            lock, settings = _file(name, seed, "split").with_suffix(".lock"), _file(name, seed, "split").with_suffix(".json")
            wanted = json.dumps(dict(model=ROWS[name][0], hyperparameters=asdict(replace(ROWS[name][1], seed=seed)), options=ROWS[name][2]))
            done = _file(name, seed, "split").exists() and settings.exists() and settings.read_text() == wanted
            if done or lock.exists(): continue  # done with these settings, or another process trains it
            for stale in VECTORS.glob(f"*_{''.join(c if c.isalnum() else '_' for c in name)}_{seed}.json"): stale.unlink()  # old scores
            lock.touch()
            emb, s = train(name, train_graphs[seed], seed)
            np.save(_file(name, seed, "split"), emb.astype(np.float32))
            settings.write_text(wanted)
            lock.unlink()
            (VECTORS / f"seconds_{_file(name, seed, 'split').stem}.json").write_text(json.dumps(round(s, 1)))
            print(f"{name}, seed {seed}: {s:.0f} s", flush=True)
    if args.no_score: return
    seconds = {name: {str(seed): json.loads(f.read_text()) for seed in args.seeds
                      if (f := VECTORS / f"seconds_{_file(name, seed, 'split').stem}.json").exists()} for name in ROWS}
    scores = score(list(ROWS), args.seeds, graph, vocabulary, movies, args.scores, args.order)
    scores = json.loads(json.dumps(scores), parse_float=lambda x: round(float(x), 5))  # 5 decimals: a smaller file
    RESULTS.write_text(json.dumps(dict(
        command="python bench/sgns_ablation.py --seeds " + " ".join(map(str, args.seeds)),
        seeds=args.seeds, machine=f"{platform.machine()}, {os.cpu_count()} CPUs", load_average_at_end=os.getloadavg(),
        factorial={f"{objective} objective, {walks} walks and dimension": name for (objective, walks), name in FACTORIAL.items()},
        rows={name: dict(model=ROWS[name][0], hyperparameters=asdict(ROWS[name][1]), options=ROWS[name][2]) for name in ROWS},
        note="Vectors trained on the graph with 10% of its edges hidden (split_edges with the seed), scored on both tasks; "
             "the hidden edges are the same for every kind of non-edges. Rows: '<vectors> (cosine)', '<vectors> (average)', "
             "'<vectors> (Hadamard)', '<vectors> (weighted-L1)', '<vectors> (weighted-L2)' are the link scores of one set of "
             "vectors, whose genre scores sit in the cosine row; heuristics are training-free.",
        scores=scores, seconds=seconds), indent=1) + "\n")


if __name__ == "__main__":
    main()
