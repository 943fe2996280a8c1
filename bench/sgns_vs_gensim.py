"""Tutorial model vs. SGNS vs. gensim's Word2Vec vs. a spectral embedding, tuned with the same budget and measured on seeds never used for tuning.

    python bench/sgns_vs_gensim.py --tune [--configs 4] [--tune-seeds 100 101]
    python bench/sgns_vs_gensim.py --report [--report-seeds 42 1 2]
    python bench/sgns_vs_gensim.py [--seeds 42 1 2 3]        # the older one-run comparison at fixed settings

Fair tuning. Every model gets the same budget: `--configs` configurations (its own default first, then the others drawn
from its grid by a fixed seed), each trained with every tuning seed. A tuning run trains on the training graph of a
tuning seed's edge split and is scored on that split's hidden edges (Hadamard ROC-AUC, averaged over uniform, degree-drawn
and two-hop non-edges) and by genre macro-F1 on the *validation half* of the movies (a fixed random half). The chosen
configuration has the best mean rank over those two scores. `--tune` writes one file per model, bench/results/sgns_vs_gensim_tune_<model>.json
(`--models` tunes some of them, e.g. in parallel processes).

The report stage reads those files and does not tune: each model's chosen configuration is trained once per report seed,
on the training graph of that seed's edge split, and the same vectors serve both tasks: genre macro-F1 on the *test half*
of the movies (which tuning never scored), and ROC-AUC and Hits@50 of the hidden edges against the three kinds of
non-edges. Report seeds differ from tuning seeds, so the hidden edges differ too. Untuned baselines (Adamic–Adar, degree
product, metadata features, random vectors) are reported beside them. Differences between models are paired over report
seeds: mean difference and a 95% t interval. It writes bench/sgns_vs_gensim.json (committed) and prints the tables.

gensim is a bench extra, not a runtime dependency: `pip install gensim`. Times are noisy on a shared machine; gensim runs
2 worker threads and is not bit-for-bit reproducible; everything else is seeded.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import time
from dataclasses import asdict, replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("NODE2VEC_NB_PROGRESS", "0")

import numpy as np
import pandas as pd
from scipy import stats

from node2vec_nb.core import TUTORIAL
from node2vec_nb.data import load_movielens
from node2vec_nb.evaluate import (HITS_K, NEGATIVES, evaluation_table, genre_prediction, link_heuristic_scores, link_table,
                                  metadata_features, neighbour_table, random_embeddings, spectral_embedding, split_edges,
                                  tutorial_embeddings)
from node2vec_nb.graph import build_graph
from node2vec_nb.model import get_embeddings, train_model
from node2vec_nb.sgns import SGNS_SETTINGS, sgns_embeddings, sgns_vectors, train_sgns
from node2vec_nb.skipgram import generate_examples
from node2vec_nb.walk import make_vocabulary, random_walks

HP = SGNS_SETTINGS
HERE = Path(__file__).parent
TUNE_DIR = HERE / "results"  # git-ignored: one tuning file per model, sgns_vs_gensim_tune_<model>.json
REPORT_FILE = HERE.parent / "node2vec_nb" / "results" / "sgns_vs_gensim.json"
MOVIE_SPLIT_SEED = 0  # fixes which half of the movies is for validation (tuning) and which for test (report)


def timed(fn, *args, **kwargs):
    "Run `fn`, returning its result and wall seconds."
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


# ---------------------------------------------------------------- the models, each a function (graph, config, seed) -> vectors
def gensim_embeddings(graph, config, seed):
    "gensim's skip-gram Word2Vec on node2vec walks (target vectors)."
    from gensim.models import Word2Vec
    walks = random_walks(graph, num_walks=HP.num_walks, num_steps=HP.num_steps, p=HP.p, q=config["q"], seed=seed, progress=False)
    sentences = [[str(t) for t in walk if t > 0] for walk in walks.tolist()]
    model = Word2Vec(sentences, vector_size=HP.embedding_dim, window=HP.window_size, sg=1, hs=0, negative=HP.num_negative,
                     sample=1e-3, min_count=1, workers=2, epochs=config["epochs"], alpha=config["alpha"], seed=seed)
    emb = np.zeros((graph.number_of_nodes() + 1, HP.embedding_dim), np.float32)
    for token in range(1, len(emb)):
        if str(token) in model.wv: emb[token] = model.wv[str(token)]
    return emb


MODELS = {  # name: (embed function, grid of settings; the first value of each setting is the model's default)
    "spectral": (lambda g, c, s: spectral_embedding(g, c["dim"], s), dict(dim=[TUTORIAL.embedding_dim, 16, 128, 256])),
    "tutorial": (lambda g, c, s: tutorial_embeddings(g, replace(TUTORIAL, seed=s, **c), progress=False),
                 dict(embedding_dim=[TUTORIAL.embedding_dim, 128], q=[TUTORIAL.q, 0.125], learning_rate=[TUTORIAL.learning_rate, 3e-3])),
    "sgns": (lambda g, c, s: sgns_embeddings(g, replace(SGNS_SETTINGS, seed=s, **c), progress=False),
             dict(q=[SGNS_SETTINGS.q, 1.0], learning_rate=[SGNS_SETTINGS.learning_rate, 0.01], epochs=[SGNS_SETTINGS.epochs, 1])),
    "gensim": (gensim_embeddings, dict(q=[SGNS_SETTINGS.q, 1.0], alpha=[0.025, 0.05], epochs=[5, 1])),
}


def configurations(grid: dict, count: int) -> list[dict]:
    "The default (first value of every setting), then `count - 1` other grid points drawn without replacement by a fixed seed."
    points = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    rest = [points[i] for i in np.random.default_rng(0).permutation(np.arange(1, len(points)))]
    if count > len(points): raise ValueError(f"The grid has only {len(points)} points, fewer than --configs {count}.")
    return [points[0]] + rest[:count - 1]


# ---------------------------------------------------------------- measurements
def movie_halves(vocabulary):
    "Tokens of the validation half and the test half of the movies (fixed)."
    tokens = np.random.default_rng(MOVIE_SPLIT_SEED).permutation(np.arange(1, len(vocabulary)))
    half = len(tokens) // 2
    return np.sort(tokens[:half]), np.sort(tokens[half:])


def genre_f1(emb, tokens, vocabulary, movies, seed):
    "Genre macro-F1 (5-fold, seeded) on the movies `tokens` only."
    sub_vocabulary = ["NA"] + [vocabulary[t] for t in tokens]
    return genre_prediction(np.asarray(emb)[np.r_[0, tokens]], sub_vocabulary, movies, seed=seed)["macro_f1"]


def splits_for(graph, seed):
    return {negatives: split_edges(graph, seed=seed, negatives=negatives) for negatives in NEGATIVES}


def tune(args, movies, graph, vocabulary):
    validation, _ = movie_halves(vocabulary)
    splits = {seed: splits_for(graph, seed) for seed in args.tune_seeds}
    runs = {}
    for name in args.models:
        embed, grid = MODELS[name]
        if name == "gensim" and not has_gensim(): continue
        runs[name] = []
        for config in configurations(grid, args.configs):
            scores = []
            for seed in args.tune_seeds:
                train_graph = splits[seed]["uniform"].train_graph
                emb, seconds = timed(embed, train_graph, config, seed)
                links = link_table({name: emb}, splits[seed], heuristics=())
                link_auc = float(links.loc[f"{name} (Hadamard)", [f"AUC {n}" for n in NEGATIVES]].mean())
                scores.append(dict(seed=seed, genre_macro_f1=genre_f1(emb, validation, vocabulary, movies, seed),
                                   link_auc=link_auc, train_seconds=round(seconds, 1)))
            mean = {k: float(np.mean([s[k] for s in scores])) for k in ("genre_macro_f1", "link_auc")}
            runs[name].append(dict(config=config, **mean, runs=scores))
            print(f"tune {name:8s} {config}: genre F1 {mean['genre_macro_f1']:.3f}, link AUC {mean['link_auc']:.3f}", flush=True)
        f1_rank = pd.Series([r["genre_macro_f1"] for r in runs[name]]).rank(ascending=False)
        auc_rank = pd.Series([r["link_auc"] for r in runs[name]]).rank(ascending=False)
        for r, rank in zip(runs[name], (f1_rank + auc_rank) / 2): r["mean_rank"] = float(rank)
        chosen = min(runs[name], key=lambda r: (r["mean_rank"], -r["genre_macro_f1"]))["config"]
        out = dict(model=name, tune_seeds=args.tune_seeds, configs_per_model=args.configs, movie_split_seed=MOVIE_SPLIT_SEED,
                   grid=grid, runs=runs[name], chosen=chosen)
        TUNE_DIR.mkdir(parents=True, exist_ok=True)
        (TUNE_DIR / f"sgns_vs_gensim_tune_{name}.json").write_text(json.dumps(out, indent=1))
        print(f"chosen for {name}: {json.dumps(chosen)}", flush=True)


OBJECTIVE = ("best mean rank of (genre macro-F1 on the validation half of the movies, Hadamard link ROC-AUC averaged over "
             "uniform, degree and two_hop non-edges), each averaged over the tuning seeds; ties go to the higher F1")


def load_tuning() -> dict:
    "The tuning files of every model, checked to share seeds and budget."
    files = {name: TUNE_DIR / f"sgns_vs_gensim_tune_{name}.json" for name in MODELS}
    tuned = {name: json.loads(f.read_text()) for name, f in files.items() if f.exists()}
    if not tuned: raise SystemExit("No tuning files: run --tune first.")
    budgets = {(tuple(t["tune_seeds"]), t["configs_per_model"]) for t in tuned.values()}
    if len(budgets) > 1: raise SystemExit(f"The models were tuned with different seeds or budgets: {budgets}.")
    (seeds, configs), = budgets
    return dict(tune_seeds=list(seeds), configs_per_model=configs, movie_split_seed=MOVIE_SPLIT_SEED, objective=OBJECTIVE,
                grids={n: t["grid"] for n, t in tuned.items()}, runs={n: t["runs"] for n, t in tuned.items()},
                chosen={n: t["chosen"] for n, t in tuned.items()})


def report(args, movies, ratings, graph, vocabulary):
    tuned = load_tuning()
    if set(tuned["tune_seeds"]) & set(args.report_seeds):
        raise SystemExit(f"report seeds {args.report_seeds} overlap the tuning seeds {tuned['tune_seeds']}: choose others.")
    _, test = movie_halves(vocabulary)
    link_columns = [f"{m} {n}" for n in NEGATIVES for m in ("AUC", f"Hits@{HITS_K}")]
    wanted = [name for name in args.models if name in tuned["chosen"]] + ["baselines"] * ("spectral" in args.models)  # the training-free rows go together
    per_seed, seconds, missing = [], {}, []
    for seed in args.report_seeds:
        splits, rows = None, {}
        for name in list(tuned["chosen"]) + ["baselines"]:  # one file per model and seed: they can run in parallel processes
            cache = TUNE_DIR / f"sgns_vs_gensim_report_{name}_{seed}.json"
            config = tuned["chosen"].get(name)
            if cache.exists() and json.loads(cache.read_text())["config"] == config:
                done = json.loads(cache.read_text())
            elif name in wanted:
                splits = splits or splits_for(graph, seed)
                done = report_rows(name, config, splits, seed, test, vocabulary, movies, ratings, graph, link_columns)
                cache.write_text(json.dumps(_no_nan(done)))
                print(f"report {name} seed {seed} done", flush=True)
            else:
                missing.append((name, seed)); continue
            rows.update(done["rows"])
            if name != "baselines": seconds[(name, seed)] = done["seconds"]
        per_seed.append(pd.DataFrame.from_dict(rows, orient="index").astype(float).reindex(columns=["genre macro-F1"] + link_columns))
    if missing: return print(f"measured and saved; still missing {missing}: run --report again once they are measured.")
    stacked = pd.concat(per_seed, keys=args.report_seeds)
    mean = stacked.groupby(level=1, sort=False).mean()
    sd = stacked.groupby(level=1, sort=False).std(ddof=1)
    models = [f"{name} (Hadamard)" for name in tuned["chosen"]]
    differences = {}
    for a, b in itertools.combinations(models + ["adamic_adar", "metadata"], 2):
        diff = stacked.xs(a, level=1) - stacked.xs(b, level=1)
        n = len(diff)
        half = stats.t.ppf(0.975, n - 1) * diff.std(ddof=1) / np.sqrt(n)
        differences[f"{a} - {b}"] = {c: dict(mean=float(diff[c].mean()), ci95=[float(diff[c].mean() - half[c]), float(diff[c].mean() + half[c])])
                                     for c in diff.columns if diff[c].notna().all()}
    out = dict(
        description=__doc__.splitlines()[0],
        command="python bench/sgns_vs_gensim.py --tune --configs {c} --tune-seeds {t} && python bench/sgns_vs_gensim.py --report --report-seeds {r}".format(
            c=tuned["configs_per_model"], t=" ".join(map(str, tuned["tune_seeds"])), r=" ".join(map(str, args.report_seeds))),
        tuning={k: tuned[k] for k in ("tune_seeds", "configs_per_model", "movie_split_seed", "objective", "grids", "chosen")},
        tuning_runs={name: [{k: r[k] for k in ("config", "genre_macro_f1", "link_auc", "mean_rank")} for r in rs] for name, rs in tuned["runs"].items()},
        report_seeds=args.report_seeds,
        metrics=["genre macro-F1"] + link_columns,
        notes=["one training per model and report seed, on the training graph of that seed's edge split, serves both tasks",
               "genre macro-F1: 5-fold one-vs-rest logistic regression on the test half of the movies (the validation half was used for tuning)",
               "link metrics: 10% of edges hidden; non-edges uniform, degree-drawn or two-hop; Hadamard = logistic regression on products",
               "rows 'X (Hadamard)' carry the genre score of model X; 'X (cosine)' rows have link metrics only",
               "differences: paired over report seeds, mean and 95% t interval (n - 1 degrees of freedom)"],
        per_seed={str(seed): t.round(4).to_dict(orient="index") for seed, t in zip(args.report_seeds, per_seed)},
        mean=mean.round(4).to_dict(orient="index"), sd=sd.round(4).to_dict(orient="index"),
        differences=differences,
        train_seconds={name: round(float(np.mean([s for (n, _), s in seconds.items() if n == name])), 1) for name in tuned["chosen"]},
    )
    REPORT_FILE.write_text(json.dumps(_no_nan(out), indent=1) + "\n")
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(f"\nChosen configurations (tuning seeds {tuned['tune_seeds']}, {tuned['configs_per_model']} configurations each):")
        for name, config in tuned["chosen"].items(): print(f"  {name}: {config}")
        print(f"\nReport over seeds {args.report_seeds} (mean ± sd)")
        print((mean.map(lambda x: f"{x:.3f}") + " ± " + sd.map(lambda x: f"{x:.3f}")).replace("nan ± nan", "").to_string())
        print("\nPaired differences (mean [95% CI])")
        for pair, d in differences.items():
            if d: print(f"  {pair}: " + "; ".join(f"{c} {v['mean']:+.3f} [{v['ci95'][0]:+.3f}, {v['ci95'][1]:+.3f}]" for c, v in d.items()
                                            if c in ("genre macro-F1", "AUC uniform", "AUC two_hop", f"Hits@{HITS_K} two_hop")))
    print(f"written: {REPORT_FILE.relative_to(HERE.parent)}")


def report_rows(name, config, splits, seed, test, vocabulary, movies, ratings, graph, link_columns) -> dict:
    "One model's report rows for one seed (its Hadamard and cosine link scores, and genre F1), or the untuned baselines'."
    train_graph = splits["uniform"].train_graph
    if name == "baselines":
        emb = random_embeddings((len(vocabulary), HP.embedding_dim), seed=seed)
        links = link_table({"random": emb}, splits, heuristics=("adamic_adar", "degree_product"))
        rows = {row: links.loc[row, link_columns].to_dict() for row in links.index}
        rows["random (Hadamard)"]["genre macro-F1"] = genre_f1(emb, test, vocabulary, movies, seed)
        metadata = metadata_features(vocabulary, movies, ratings, graph)
        rows["metadata"] = {"genre macro-F1": genre_f1(metadata, test, vocabulary, movies, seed)}
        return dict(config=None, rows=rows)
    emb, seconds = timed(MODELS[name][0], train_graph, config, seed)  # one training per model and seed serves both tasks
    links = link_table({name: emb}, splits, heuristics=())
    rows = {row: links.loc[row, link_columns].to_dict() for row in links.index}
    rows[f"{name} (Hadamard)"]["genre macro-F1"] = genre_f1(emb, test, vocabulary, movies, seed)
    return dict(config=config, rows=rows, seconds=round(seconds, 1))


def _no_nan(x):
    "`x` with every NaN float replaced by None, so that the file is valid JSON."
    if isinstance(x, dict): return {k: _no_nan(v) for k, v in x.items()}
    if isinstance(x, list): return [_no_nan(v) for v in x]
    return None if isinstance(x, float) and x != x else x


def has_gensim() -> bool:
    try:
        import gensim  # noqa: F401
        return True
    except ImportError:
        return False


# ---------------------------------------------------------------- the older comparison at fixed settings (README's command)
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
        if gensim:
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


def compare(args, movies, graph, vocabulary):
    gensim = has_gensim()
    if not gensim: print("gensim is not installed (pip install gensim): its rows are skipped.")
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    stage = parser.add_mutually_exclusive_group()
    stage.add_argument("--tune", action="store_true", help="Tune every model with the same budget on the tuning seeds.")
    stage.add_argument("--report", action="store_true", help="Measure the tuned models on the report seeds (no tuning).")
    parser.add_argument("--configs", type=int, default=4, help="Configurations per model in --tune (the default counts as one).")
    parser.add_argument("--tune-seeds", type=int, nargs="+", default=[100, 101], help="Seeds for --tune.")
    parser.add_argument("--report-seeds", type=int, nargs="+", default=[42, 1, 2], help="Seeds for --report; must differ from the tuning seeds.")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS),
                        help="Models to tune (--tune) or to measure (--report; the others are read from earlier runs).")
    parser.add_argument("--seeds", type=int, nargs="+", default=[42], help="Seeds of the fixed-settings comparison (no stage flag).")
    args = parser.parse_args(argv)
    if has_gensim():
        import gensim
        print(f"gensim {gensim.__version__}")
    movies, ratings = load_movielens()
    graph = build_graph(ratings, progress=False)
    vocabulary, _ = make_vocabulary(graph)
    print(f"graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    if args.tune: tune(args, movies, graph, vocabulary)
    elif args.report: report(args, movies, ratings, graph, vocabulary)
    else: compare(args, movies, graph, vocabulary)


if __name__ == "__main__":
    main()
