"""Stage times of the Spark pipeline (node2vec_nb.spark) against the single-machine functions, in one run.

    python bench/spark_stages.py            # writes node2vec_nb/results/spark_stages.json, which lesson 11 shows

Datasets: ml-latest-small and synthetic_ratings(10). Spark runs in local[2] (two cores), started once; every
Spark stage is timed after start-up, and the start-up is its own row. Single machine: graph_edges,
to_csr + random_walks, and gensim's Word2Vec with MLlib's settings (skip-gram, hierarchical softmax, one pass).
Threads are matched where both sides can use two: MLlib's Word2Vec trains 2 partitions, gensim uses 2 workers
(graph_edges and random_walks use one thread; Spark uses its two cores in every stage). Each row records the
threads of both sides and the 1-minute load average when the stage ended: the machine may be shared.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from node2vec_nb.core import TUTORIAL
from node2vec_nb.data import load_movielens, synthetic_ratings
from node2vec_nb.graph import graph_edges
from node2vec_nb.spark import ratings_frame, spark_graph_edges, spark_random_walks, spark_session, spark_word2vec
from node2vec_nb.walk import random_walks, to_csr

OUT = Path(__file__).parents[1] / "node2vec_nb" / "results" / "spark_stages.json"


SPARK_THREADS = 2        # local[2]
WORD2VEC_THREADS = 2     # gensim workers and MLlib partitions


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, round(time.perf_counter() - start, 2)


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def gensim_word2vec(walks: np.ndarray, hp=TUTORIAL):
    from gensim.models import Word2Vec
    sentences = [[str(t) for t in row if t > 0] for row in walks.tolist()]
    return Word2Vec(sentences, vector_size=hp.embedding_dim, window=hp.window_size, sg=1, hs=1, negative=0,
                    min_count=1, epochs=1, workers=WORD2VEC_THREADS, seed=hp.seed)


def pair_stats(ratings: pd.DataFrame, hp=TUTORIAL) -> dict:
    "Pairs each user contributes to the self-join, and the share of the most active 1% and 10%."
    k = np.sort(ratings[ratings.rating >= hp.min_rating].drop_duplicates(["userId", "movieId"])
                .groupby("userId").size().to_numpy())[::-1]
    pairs = k * (k - 1) // 2
    share = lambda s: float(pairs[:max(1, round(s * len(k)))].sum() / pairs.sum())
    return dict(users=len(k), user_pairs=int(pairs.sum()), most_loved=int(k[0]), top1=share(0.01), top10=share(0.1))


def run(name: str, ratings: pd.DataFrame, spark, hp=TUTORIAL) -> tuple[list, dict]:
    rows, load = [], {}
    edges, single_graph = timed(lambda: graph_edges(ratings, hp.min_rating, hp.min_weight, progress=False))
    sdf, to_spark = timed(lambda: ratings_frame(spark, ratings).cache())
    _, count = timed(sdf.count)
    load["ratings to Spark"] = load_average()
    spark_edges, spark_graph = timed(lambda: spark_graph_edges(spark, sdf, hp.min_rating, hp.min_weight))
    load["graph"] = load_average()
    same = bool((spark_edges.nodes == edges.nodes).all() and (spark_edges.u == edges.u).all()
                and (spark_edges.v == edges.v).all() and np.abs(spark_edges.weight - edges.weight).max() <= 1e-9)
    walk = dict(num_walks=hp.num_walks, num_steps=hp.num_steps, p=hp.p, q=hp.q, seed=hp.seed)
    walks, single_walks = timed(lambda: random_walks(to_csr(edges), progress=False, **walk))
    spark_walks, spark_walk_s = timed(lambda: spark_random_walks(spark, spark_edges, **walk))
    load["walks"] = load_average()
    _, single_w2v = timed(lambda: gensim_word2vec(walks, hp))
    _, spark_w2v = timed(lambda: spark_word2vec(spark, spark_walks, len(edges.nodes) + 1, hp.embedding_dim,
                                                hp.window_size, partitions=WORD2VEC_THREADS))
    load["Word2Vec (1 pass)"] = load_average()
    sdf.unpersist()
    rows += [(name, "ratings to Spark", round(to_spark + count, 2), None, None),
             (name, "graph", spark_graph, single_graph, 1),
             (name, "walks", spark_walk_s, single_walks, 1),
             (name, "Word2Vec (1 pass)", spark_w2v, single_w2v, WORD2VEC_THREADS)]
    rows = [(*row, load[row[1]]) for row in rows]
    info = dict(ratings=len(ratings), nodes=len(edges.nodes), edges=len(edges.u), same_graph=same,
                walks=list(spark_walks.shape), same_walk_count=spark_walks.shape == walks.shape, **pair_stats(ratings, hp))
    return rows, info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=10, help="synthetic_ratings scale of the larger dataset")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    try: import pyarrow; arrow = True  # noqa: F401
    except ImportError: arrow = False
    load_at_start = load_average()
    spark, start = timed(lambda: spark_session(f"local[{SPARK_THREADS}]", driver_memory="2g", progress=False))
    rows, info = [("all", "Spark session start", start, None, None, load_average())], {}
    datasets = {"ml-latest-small": lambda: load_movielens()[1], f"synthetic_ratings({args.scale:g})": lambda: synthetic_ratings(args.scale)}
    try:
        for name, load in datasets.items():
            r, info[name] = run(name, load(), spark)
            rows += r
            print(name, info[name], r, flush=True)
    finally: spark.stop()
    result = dict(rows=[dict(dataset=d, stage=s, spark_s=a, single_s=b, spark_threads=SPARK_THREADS,
                             single_threads=t, load_average=l) for d, s, a, b, t, l in rows], datasets=info,
                  machine=dict(cpus=os.cpu_count(), load_average_start=load_at_start, load_average_end=load_average(),
                               python=platform.python_version(), arrow=arrow))
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
