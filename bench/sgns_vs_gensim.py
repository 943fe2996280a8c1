"""Tutorial model vs. SGNS vs. gensim's Word2Vec vs. random vectors, measured by node2vec_nb.evaluate in one run.

    python bench/sgns_vs_gensim.py [--seeds 42 1 2 3]

gensim is a bench extra, not a runtime dependency: `pip install gensim` (4.4 installs beside this project's numpy 2 and
scipy without changing them). SGNS and gensim train on the *same* paper-scale walks (10 walks x 80 steps per movie,
SGNS_SETTINGS' p and q) with the same dimension (128), window (10), negatives (5) and subsampling threshold (1e-3); gensim runs with
2 worker threads (this machine's cores) and its default 5 epochs, and also with 1 epoch, the node2vec reference
implementation's setting. Every model is trained twice: on the full graph (genre prediction) and on the graph with 10%
of its edges hidden (link prediction). Times are wall seconds of training only (walks and examples excluded) and are
noisy on a shared machine. gensim with several workers is not bit-for-bit reproducible; everything else is seeded.
With several seeds (each seeding walks, edge split, models and folds) it prints each seed's table, then the mean and
standard deviation over the seeds.
Rows marked "(w + c)" use the target plus the context vectors of the same run (gensim's `wv` + `syn1neg`).
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd

from node2vec_nb.core import TUTORIAL
from node2vec_nb.data import load_movielens
from node2vec_nb.evaluate import evaluation_table, neighbour_table, random_embeddings, split_edges
from node2vec_nb.graph import build_graph
from node2vec_nb.model import SGNS_SETTINGS, get_embeddings, sgns_vectors, train_model, train_sgns
from node2vec_nb.skipgram import generate_examples
from node2vec_nb.walk import make_vocabulary, random_walks

HP = SGNS_SETTINGS


def timed(fn, *args, **kwargs):
    "Run `fn`, returning its result and wall seconds."
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def tutorial(graph, seed):
    "The tutorial's pipeline; returns (embeddings, training seconds)."
    walks = random_walks(graph, num_walks=TUTORIAL.num_walks, num_steps=TUTORIAL.num_steps, seed=seed)
    examples = generate_examples(walks, vocabulary_size=graph.number_of_nodes() + 1, seed=seed)
    (model, _), seconds = timed(train_model, examples, graph.number_of_nodes() + 1, seed=seed)
    return get_embeddings(model), seconds


def sgns(walks, vocabulary_size, seed):
    "SGNS on the walks; returns (target vectors, target + context vectors, training seconds)."
    (model, _), seconds = timed(train_sgns, walks, vocabulary_size, seed=seed)
    return get_embeddings(model), sgns_vectors(model), seconds


def gensim_word2vec(walks, vocabulary_size, seed, epochs):
    from gensim.models import Word2Vec
    sentences = [[str(t) for t in walk if t > 0] for walk in walks.tolist()]
    model, seconds = timed(Word2Vec, sentences, vector_size=HP.embedding_dim, window=HP.window_size, sg=1, hs=0,
                           negative=HP.num_negative, sample=1e-3, min_count=1, workers=2, epochs=epochs, seed=seed)
    emb, context = (np.zeros((vocabulary_size, HP.embedding_dim), np.float32) for _ in range(2))
    for token in range(1, vocabulary_size):
        if str(token) in model.wv:
            emb[token] = model.wv[str(token)]
            context[token] = model.syn1neg[model.wv.key_to_index[str(token)]]
    return emb, emb + context, seconds


def one_seed(movies, graph, vocabulary, seed, gensim):
    "Every model trained and measured with one seed; returns the evaluation table and the neighbour table."
    split = split_edges(graph, seed=seed)
    graphs = {"full": graph, "split": split.train_graph}
    walks = {k: random_walks(g, num_walks=HP.num_walks, num_steps=HP.num_steps, p=HP.p, q=HP.q, seed=seed) for k, g in graphs.items()}
    print(f"seed {seed}: paper-scale walks {walks['full'].shape}, p={HP.p}, q={HP.q}", flush=True)
    emb = {"full": {}, "split": {}}
    seconds = {}
    for k, g in graphs.items():
        emb[k]["tutorial"], seconds[("tutorial", k)] = tutorial(g, seed)
        emb[k]["sgns"], emb[k]["sgns (w + c)"], seconds[("sgns", k)] = sgns(walks[k], len(vocabulary), seed)
        if gensim is not None:
            for epochs in (5, 1):
                name = f"gensim ({epochs} epoch{'s' * (epochs > 1)})"
                emb[k][name], emb[k][name + " (w + c)"], seconds[(name, k)] = gensim_word2vec(walks[k], len(vocabulary), seed, epochs)
        emb[k]["random"] = random_embeddings(emb[k]["sgns"], seed=seed)
    table = evaluation_table(emb["full"], emb["split"], split, vocabulary, movies, seed=seed)
    for k, column in [("full", "train s (full graph)"), ("split", "train s (split graph)")]:
        base = {name: name.replace(" (w + c)", "") for name in table.index}  # w + c comes from the same training run
        table[column] = pd.Series({name: seconds.get((b, k), np.nan) for name, b in base.items()}).round(1)
    shown = ["tutorial", "sgns", "sgns (w + c)"] + [k for k in emb["full"] if k.startswith("gensim (5") and "w + c" not in k]
    return table, neighbour_table({k: emb["full"][k] for k in shown}, vocabulary, movies, k=3)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[42], help="Seeds for walks, splits, models and folds; several give mean and sd.")
    args = parser.parse_args(argv)
    try:
        import gensim
        print(f"gensim {gensim.__version__}")
    except ImportError:
        gensim = None
        print("gensim is not installed (pip install gensim): its rows are skipped.")

    movies, ratings = load_movielens()
    graph = build_graph(ratings)
    vocabulary, _ = make_vocabulary(graph)
    print(f"graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    tables = []
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        for seed in args.seeds:
            table, neighbours = one_seed(movies, graph, vocabulary, seed, gensim)
            tables.append(table)
            print(f"\nEvaluation, seed {seed} (genre: 5-fold one-vs-rest logistic regression; link: 10% of edges hidden, ROC-AUC)")
            print(table.to_string())
            if seed == args.seeds[0]:
                print("\nNeighbours (query itself left out)")
                print(neighbours.to_string())
        if len(tables) > 1:
            stacked = pd.concat(tables, keys=args.seeds)
            mean, sd = stacked.groupby(level=1, sort=False).mean(), stacked.groupby(level=1, sort=False).std()
            print(f"\nMean over seeds {args.seeds} (sd in brackets)")
            print(mean.round(3).astype(str).add(" (").add(sd.round(3).astype(str)).add(")").to_string())


if __name__ == "__main__":
    main()
