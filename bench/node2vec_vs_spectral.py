"""What node2vec learns that a spectral embedding does not: each movie's nearest neighbours under several embeddings.

    python bench/node2vec_vs_spectral.py [--k 10] [--out node2vec_nb/results/node2vec_vs_spectral.npz]

Trains, on the full ml-latest-small graph (1,405 movies), SGNS embeddings (`sgns_embeddings`, the paper's
10 x 80 walks, 128 dimensions) at p = 1 with q = 0.125 (SGNS_SETTINGS), q = 1 and q = 4, at q = 1 with p = 0.25
and p = 4, and at q = 0.125 again with another seed (how much of a difference is only the seed); and the spectral
embedding at 128 dimensions (the same size) and at 50. For every embedding it stores each movie's `k` most
cosine-similar movies (tokens, the movie itself left out), an int16 array (1405, k), all in one compressed .npz
that ships in the package; lesson 09 computes every statistic from these lists. SGNS takes 15-35 s per setting on
2 cores, too long for a lesson cell, so the lesson reads this file; the spectral lists it recomputes and checks.
"""
from __future__ import annotations

import argparse, json, os, time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("NODE2VEC_NB_PROGRESS", "0")

import numpy as np

from node2vec_nb.data import load_movielens
from node2vec_nb.evaluate import spectral_embedding
from node2vec_nb.explore import nearest_tokens
from node2vec_nb.graph import build_graph
from node2vec_nb.sgns import SGNS_SETTINGS, sgns_embeddings

HERE = Path(__file__).parent
SETTINGS = {  # name: how to embed (graph -> vectors, row 0 padding)
    "spectral 128": lambda g: spectral_embedding(g, 128, seed=SGNS_SETTINGS.seed),
    "spectral 50": lambda g: spectral_embedding(g, 50, seed=SGNS_SETTINGS.seed),
    "node2vec q=0.125": lambda g: sgns_embeddings(g, SGNS_SETTINGS, progress=False),
    "node2vec q=0.125, seed 43": lambda g: sgns_embeddings(g, replace(SGNS_SETTINGS, seed=43), progress=False),
    "node2vec q=1": lambda g: sgns_embeddings(g, replace(SGNS_SETTINGS, q=1.0), progress=False),
    "node2vec q=4": lambda g: sgns_embeddings(g, replace(SGNS_SETTINGS, q=4.0), progress=False),
    "node2vec p=0.25, q=1": lambda g: sgns_embeddings(g, replace(SGNS_SETTINGS, p=0.25, q=1.0), progress=False),
    "node2vec p=4, q=1": lambda g: sgns_embeddings(g, replace(SGNS_SETTINGS, p=4.0, q=1.0), progress=False),
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--k", type=int, default=10, help="neighbours stored per movie")
    ap.add_argument("--out", default=str(HERE.parent / "node2vec_nb" / "results" / "node2vec_vs_spectral.npz"))
    a = ap.parse_args(argv)
    _, ratings = load_movielens()
    graph = build_graph(ratings, progress=False)
    out, seconds = {}, {}
    for name, embed in SETTINGS.items():
        start = time.perf_counter()
        emb = embed(graph)
        seconds[name] = round(time.perf_counter() - start, 1)
        out[name] = nearest_tokens(emb, a.k).astype(np.int16)
        print(f"{name}: {seconds[name]} s", flush=True)
    meta = dict(command="python bench/node2vec_vs_spectral.py", k=a.k, nodes=graph.number_of_nodes(),
                settings={k: v for k, v in zip(SETTINGS, ["spectral_embedding(graph, 128)", "spectral_embedding(graph, 50)",
                                                       "SGNS_SETTINGS", "SGNS_SETTINGS, seed 43", "SGNS_SETTINGS, q = 1",
                                                       "SGNS_SETTINGS, q = 4",
                                                       "SGNS_SETTINGS, p = 0.25, q = 1", "SGNS_SETTINGS, p = 4, q = 1"])}, seconds=seconds)
    np.savez_compressed(a.out, names=np.array(list(out)), neighbours=np.stack(list(out.values())), meta=json.dumps(meta))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
