"""Tutorial model vs. SGNS vs. gensim's Word2Vec vs. a spectral embedding, tuned with the same budget and measured on seeds never used for tuning.

    python bench/sgns_vs_gensim.py --tune [--configs 8] [--tune-seeds 200 201]
    python bench/sgns_vs_gensim.py --report [--report-seeds 300 301 ... 309]

Seeds. Three sets that never overlap, and the script refuses to report on a seed of the other two:
- CHOSEN_ON (1, 2, 3, 42): the seeds on which SGNS's first settings (learning rate 0.03, batches of 256 walks,
  q = 0.125, 2 epochs) were chosen, by hand, before this benchmark existed;
- TUNE_SEEDS (200, 201): the seeds this script tunes every model on, SGNS's settings included;
- REPORT_SEEDS (300 ... 309): the seeds of the report, and of bench/sgns_ablation.py's factorial and ablation.

Fair tuning. Every model gets the same budget: `--configs` configurations (its default first, then the others
drawn from its grid by a fixed seed), each trained with every tuning seed. SGNS's grid starts with the settings
chosen on CHOSEN_ON, so they are one candidate among the others, with no head start. A tuning run trains on the
training graph of a tuning seed's edge split and is scored on that split's hidden edges (Hadamard ROC-AUC,
averaged over uniform, degree-drawn and two-hop non-edges) and by genre macro-F1 on the *validation half* of the
movies (a fixed random half). The chosen configuration has the best mean rank over those two scores. `--tune`
writes one file per model, bench/results/sgns_vs_gensim_tune_<model>.json (`--models` tunes some of them).

The report stage reads those files and does not tune: each model's chosen configuration is trained once per report
seed, on the training graph of that seed's edge split, and the same vectors serve both tasks: genre macro-F1 on the
*test half* of the movies (which tuning never scored), and ROC-AUC and Hits@50 of the hidden edges against the
three kinds of non-edges, for every edge feature of link_table. Untuned baselines (Adamic-Adar, degree product,
metadata features, random vectors) are reported beside them. A fixed family of differences (COMPARISONS x
TESTED_METRICS) is tested: paired over report seeds, mean, 95% t interval, two-sided paired t-test, and p-values
adjusted with Holm's method over the whole family. It writes node2vec_nb/results/sgns_vs_gensim.json.

gensim is a bench extra, not a runtime dependency: `pip install gensim`. gensim runs 2 worker threads and is not
bit-for-bit reproducible; everything else is seeded.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("NODE2VEC_NB_PROGRESS", "0")

import numpy as np
import pandas as pd

from node2vec_nb.core import TUTORIAL
from node2vec_nb.data import load_movielens
from node2vec_nb.evaluate import (HITS_K, NEGATIVES, _t_summary, genre_prediction, holm, link_table, metadata_features, random_embeddings,
                                  spectral_embedding, split_edges, tutorial_embeddings)
from node2vec_nb.graph import build_graph
from node2vec_nb.sgns import SGNS_SETTINGS, sgns_embeddings
from node2vec_nb.walk import make_vocabulary, random_walks

HP = SGNS_SETTINGS
HERE = Path(__file__).parent
TUNE_DIR = HERE / "results"  # git-ignored: one tuning file per model, sgns_vs_gensim_tune_<model>.json
REPORT_FILE = HERE.parent / "node2vec_nb" / "results" / "sgns_vs_gensim.json"
MOVIE_SPLIT_SEED = 0  # fixes which half of the movies is for validation (tuning) and which for test (report)
CHOSEN_ON = (1, 2, 3, 42)            # SGNS's first settings were chosen by hand on these: never report on them
TUNE_SEEDS = (200, 201)              # every model, SGNS's settings included, is tuned on these
REPORT_SEEDS = tuple(range(300, 310))  # the report, and bench/sgns_ablation.py's factorial and ablation


def check_report_seeds(seeds) -> None:
    "Stop with a message if a report seed was used to choose or tune any setting."
    used = sorted(set(seeds) & (set(CHOSEN_ON) | set(TUNE_SEEDS)))
    if used: raise SystemExit(f"report seeds {used} were used to choose or tune settings (CHOSEN_ON {CHOSEN_ON}, "
                              f"TUNE_SEEDS {TUNE_SEEDS}): choose others, e.g. {REPORT_SEEDS}.")


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
    "spectral": (lambda g, c, s: spectral_embedding(g, c["dim"], s), dict(dim=[TUTORIAL.embedding_dim, 16, 32, 64, 96, 128, 192, 256])),
    "tutorial": (lambda g, c, s: tutorial_embeddings(g, replace(TUTORIAL, seed=s, **c), progress=False),
                 dict(num_walks=[TUTORIAL.num_walks, 10], num_steps=[TUTORIAL.num_steps, 80], embedding_dim=[TUTORIAL.embedding_dim, 128],
                      q=[TUTORIAL.q, 0.125, 0.5, 2.0], learning_rate=[TUTORIAL.learning_rate, 3e-3, 1e-2])),
    # SGNS's first values are the settings chosen on CHOSEN_ON, written out so that the grid stays the one tuned after
    # SGNS_SETTINGS takes the tuned values; at most 2 epochs, so node2vec-movies --model sgns keeps its time at 100x
    "sgns": (lambda g, c, s: sgns_embeddings(g, replace(SGNS_SETTINGS, seed=s, **c), progress=False),
             dict(q=[0.125, 0.5, 1.0, 2.0], learning_rate=[0.03, 0.01, 0.1], epochs=[2, 1], batch_size=[256, 128, 512])),
    "gensim": (gensim_embeddings, dict(q=[0.125, 0.5, 1.0, 2.0], alpha=[0.025, 0.01, 0.05], epochs=[5, 1, 2, 10])),
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
    TUNE_DIR.mkdir(parents=True, exist_ok=True)
    runs = {}
    for name in args.models:
        embed, grid = MODELS[name]
        if name == "gensim" and not has_gensim(): continue
        runs[name] = []
        for i, config in enumerate(configurations(grid, args.configs)):
            scores = []
            for seed in args.tune_seeds:  # one file per run: an interrupted --tune resumes where it stopped
                cache = TUNE_DIR / f"sgns_vs_gensim_tunerun_{name}_{i}_{seed}.json"
                if cache.exists() and json.loads(cache.read_text())["config"] == config:
                    scores.append(json.loads(cache.read_text())["score"]); continue
                train_graph = splits[seed]["uniform"].train_graph
                emb, seconds = timed(embed, train_graph, config, seed)
                links = link_table({name: emb}, splits[seed], heuristics=())
                link_auc = float(links.loc[f"{name} (Hadamard)", [f"AUC {n}" for n in NEGATIVES]].mean())
                scores.append(dict(seed=seed, genre_macro_f1=genre_f1(emb, validation, vocabulary, movies, seed),
                                   link_auc=link_auc, train_seconds=round(seconds, 1), load_average=round(os.getloadavg()[0], 1)))
                cache.write_text(json.dumps(dict(config=config, score=scores[-1])))
            mean = {k: float(np.mean([s[k] for s in scores])) for k in ("genre_macro_f1", "link_auc")}
            runs[name].append(dict(config=config, **mean, runs=scores))
            print(f"tune {name:8s} {config}: genre F1 {mean['genre_macro_f1']:.3f}, link AUC {mean['link_auc']:.3f}", flush=True)
        f1_rank = pd.Series([r["genre_macro_f1"] for r in runs[name]]).rank(ascending=False)
        auc_rank = pd.Series([r["link_auc"] for r in runs[name]]).rank(ascending=False)
        for r, rank in zip(runs[name], (f1_rank + auc_rank) / 2): r["mean_rank"] = float(rank)
        chosen = min(runs[name], key=lambda r: (r["mean_rank"], -r["genre_macro_f1"]))["config"]
        out = dict(model=name, tune_seeds=args.tune_seeds, configs_per_model=args.configs, movie_split_seed=MOVIE_SPLIT_SEED,
                   grid=grid, runs=runs[name], chosen=chosen)
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


COMPARISONS = [("sgns (Hadamard)", "tutorial (Hadamard)"), ("sgns (Hadamard)", "gensim (Hadamard)"),
               ("spectral (Hadamard)", "sgns (Hadamard)"), ("sgns (Hadamard)", "adamic_adar"), ("sgns (Hadamard)", "metadata")]
TESTED_METRICS = ["genre macro-F1", "AUC uniform", "AUC degree", "AUC two_hop", f"Hits@{HITS_K} two_hop"]


def paired_differences(stacked: pd.DataFrame) -> dict:
    "The family COMPARISONS x TESTED_METRICS: paired mean difference over seeds, 95% t interval, t-test p and Holm's p."
    out = {}
    for a, b in COMPARISONS:
        diff = stacked.xs(a, level=1) - stacked.xs(b, level=1)
        for c in TESTED_METRICS:
            if diff[c].isna().any(): continue  # a metric one of the two rows does not have
            t = _t_summary(diff[c].to_numpy())
            out[f"{a} - {b} | {c}"] = dict(pair=f"{a} - {b}", metric=c, n=t["n"], mean=t["mean"], ci95=[t["low"], t["high"]], p=t["p"])
    for d, p in zip(out.values(), holm([d["p"] for d in out.values()])): d["p_holm"] = float(p)
    return out


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
    differences = paired_differences(stacked)
    out = dict(
        description=__doc__.splitlines()[0],
        command="python bench/sgns_vs_gensim.py --tune --configs {c} --tune-seeds {t} && python bench/sgns_vs_gensim.py --report --report-seeds {r}".format(
            c=tuned["configs_per_model"], t=" ".join(map(str, tuned["tune_seeds"])), r=" ".join(map(str, args.report_seeds))),
        tuning=dict(chosen_on=list(CHOSEN_ON), **{k: tuned[k] for k in ("tune_seeds", "configs_per_model", "movie_split_seed",
                                                                        "objective", "grids", "chosen")}),
        tuning_runs={name: [{k: r[k] for k in ("config", "genre_macro_f1", "link_auc", "mean_rank")} for r in rs] for name, rs in tuned["runs"].items()},
        report_seeds=args.report_seeds,
        metrics=["genre macro-F1"] + link_columns,
        notes=["one training per model and report seed, on the training graph of that seed's edge split, serves both tasks",
               "genre macro-F1: 5-fold one-vs-rest logistic regression on the test half of the movies (the validation half was used for tuning)",
               "link metrics: 10% of edges hidden; non-edges uniform, degree-drawn or two-hop; Hadamard = logistic regression on products",
               "rows 'X (Hadamard)' carry the genre score of model X; 'X (cosine)' rows have link metrics only",
               "rows 'X (average)', 'X (weighted-L1)', 'X (weighted-L2)': the node2vec paper's other edge features (Table 4)",
               f"differences: the family COMPARISONS x TESTED_METRICS ({len(differences)} tests), paired over report seeds: "
               "mean, 95% t interval (n - 1 degrees of freedom), two-sided paired t-test p, and p_holm adjusted over the family"],
        per_seed={str(seed): t.round(4).to_dict(orient="index") for seed, t in zip(args.report_seeds, per_seed)},
        mean=mean.round(4).to_dict(orient="index"), sd=sd.round(4).to_dict(orient="index"),
        differences=differences,
        train_seconds={name: round(float(np.mean([s for (n, _), s in seconds.items() if n == name])), 1) for name in tuned["chosen"]},
        machine=f"{platform.machine()}, {os.cpu_count()} CPUs", load_average_at_end=os.getloadavg(),
    )
    REPORT_FILE.write_text(json.dumps(_no_nan(out), indent=1) + "\n")
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(f"\nChosen configurations (tuning seeds {tuned['tune_seeds']}, {tuned['configs_per_model']} configurations each):")
        for name, config in tuned["chosen"].items(): print(f"  {name}: {config}")
        print(f"\nReport over seeds {args.report_seeds} (mean ± sd)")
        print((mean.map(lambda x: f"{x:.3f}") + " ± " + sd.map(lambda x: f"{x:.3f}")).replace("nan ± nan", "").to_string())
        print(f"\nPaired differences (mean [95% CI], Holm-adjusted p over {len(differences)} tests)")
        for key, d in differences.items():
            print(f"  {key}: {d['mean']:+.3f} [{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}], p_holm {d['p_holm']:.3g}")
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    stage = parser.add_mutually_exclusive_group(required=True)
    stage.add_argument("--tune", action="store_true", help="Tune every model with the same budget on the tuning seeds.")
    stage.add_argument("--report", action="store_true", help="Measure the tuned models on the report seeds (no tuning).")
    parser.add_argument("--configs", type=int, default=8, help="Configurations per model in --tune (the default counts as one).")
    parser.add_argument("--tune-seeds", type=int, nargs="+", default=list(TUNE_SEEDS), help="Seeds for --tune.")
    parser.add_argument("--report-seeds", type=int, nargs="+", default=list(REPORT_SEEDS),
                        help="Seeds for --report; must differ from the tuning seeds and from CHOSEN_ON.")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS),
                        help="Models to tune (--tune) or to measure (--report; the others are read from earlier runs).")
    args = parser.parse_args(argv)
    if args.report: check_report_seeds(args.report_seeds)
    if has_gensim():
        import gensim
        print(f"gensim {gensim.__version__}")
    movies, ratings = load_movielens()
    graph = build_graph(ratings, progress=False)
    vocabulary, _ = make_vocabulary(graph)
    print(f"graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    if args.tune: tune(args, movies, graph, vocabulary)
    else: report(args, movies, ratings, graph, vocabulary)


if __name__ == "__main__":
    main()
