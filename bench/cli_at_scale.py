"""node2vec-movies end to end on a MovieLens-shaped folder written from synthetic_ratings(scale): seconds per stage,
peak memory, and whether every long stage showed a progress bar.

    python bench/cli_at_scale.py [--scale 100] [--model tutorial sgns] [--data-dir DIR] [--timeout 1800] [--json FILE]

06_performance reads node2vec_nb/results/cli_at_scale.json, written with --json by the default run.

Each run is a fresh `node2vec-movies --data DIR` process, as a user would start it. Its stage seconds come from the
summary.json it writes, its peak memory (max RSS) from the operating system when it exits, and the progress check from
its standard error, read as it arrives: a stage longer than --long seconds passes if a progress bar was drawn during it.
Targets (issue 10, item 3) at scale 100: at most 10 minutes and 8 GB per run.
"""
from __future__ import annotations

import argparse, json, os, platform, re, shutil, signal, subprocess, sys, tempfile, threading, time
from pathlib import Path

import numpy as np
import pandas as pd

from node2vec_nb.core import PROGRESS_DELAY
from node2vec_nb.data import synthetic_ratings

TARGET_SECONDS, TARGET_GB = 600, 8.0  # per run, at scale 100
STAGE_LINES = {"load": "Data:", "graph": "Graph:", "walks": "Walks:", "examples": "Examples:", "training": "Training ("}  # printed as each ends
BAR = re.compile(r"\d+%\|")  # a tqdm bar: "Random walks:  40%|████      | 4/10 …"

def write_movielens(scale: float, folder: Path) -> str:
    "Write ratings.csv and movies.csv for synthetic_ratings(scale) (integer movie ids, as GroupLens ships them); return the most-rated title."
    ratings = synthetic_ratings(scale)
    movie = ratings["movieId"].str.removeprefix("movie_").astype(np.int32)
    ids = np.sort(movie.unique())
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"movieId": ids, "title": [f"Movie {i} (2000)" for i in ids], "genres": "Drama"}).to_csv(folder / "movies.csv", index=False)
    table = pd.DataFrame({"userId": ratings["userId"], "movieId": movie, "rating": ratings["rating"], "timestamp": ratings["timestamp"]})
    table.to_csv(folder / "ratings.csv", index=False, chunksize=1_000_000)
    loved = movie[ratings["rating"] >= 5.0]
    return f"Movie {int(loved.value_counts().idxmax())} (2000)"  # surely a node of the graph

def _reader(stream, sink: list, lines: bool):
    "Append (seconds since start, text) for everything `stream` yields, as it arrives."
    start = time.perf_counter()
    if lines:
        for line in iter(stream.readline, b""):
            sink.append((time.perf_counter() - start, line.decode(errors="replace")))
            if sink[-1][1].startswith(tuple(STAGE_LINES.values()) + ("Pairs:", "Settings", "Importing")):  # stage ends, live
                print(f"   [{sink[-1][0]:6.0f} s] {sink[-1][1].rstrip()}", flush=True)
    else:
        while chunk := os.read(stream.fileno(), 65536): sink.append((time.perf_counter() - start, chunk.decode(errors="replace")))

def _rss_gb(pid: int) -> float:
    "Resident memory of process `pid` now, in GB (0 if it is gone)."
    try:
        with open(f"/proc/{pid}/status") as f: return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) * 1024 / 1e9
    except (OSError, StopIteration): return 0.0

def _watch_memory(pid: int, max_gb: float, stop: threading.Event, hit: list):
    "Kill the run's process group if its resident memory passes `max_gb` (a shared machine must not swap)."
    while not stop.wait(0.5):
        if _rss_gb(pid) > max_gb:
            hit.append(True); os.killpg(pid, signal.SIGKILL); return

def run_cli(args: list[str], timeout: float, max_gb: float = float("inf")) -> dict:
    "Run node2vec-movies with `args`; return exit status, wall seconds, peak RSS in GB, stdout lines and stderr chunks, all timed."
    cli = shutil.which("node2vec-movies") or sys.exit("node2vec-movies is not on PATH: pip install -e . first")
    env = dict(os.environ, NODE2VEC_NB_PROGRESS="1", PYTHONUNBUFFERED="1")  # bars on although stderr is a pipe; lines as they happen
    start = time.perf_counter()
    proc = subprocess.Popen([cli, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    out, err = [], []
    readers = [threading.Thread(target=_reader, args=(proc.stdout, out, True)), threading.Thread(target=_reader, args=(proc.stderr, err, False))]
    for r in readers: r.start()
    timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    stop, over = threading.Event(), []
    threading.Thread(target=_watch_memory, args=(proc.pid, max_gb, stop, over), daemon=True).start()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own resource usage, peak RSS included
    timer.cancel(); stop.set()
    wall = time.perf_counter() - start
    for r in readers: r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return dict(status=proc.returncode, wall=wall, peak_gb=usage.ru_maxrss * 1024 / 1e9, out=out, err=err,
                timed_out=wall >= timeout and not over, over_memory=bool(over))

def progress_check(run: dict, seconds: dict, long: float) -> dict[str, bool | None]:
    "For each stage: was a progress bar drawn while it ran? None for stages shorter than `long` seconds."
    ends = {}
    for t, line in run["out"]:
        for stage, prefix in STAGE_LINES.items():
            if line.startswith(prefix) and stage not in ends: ends[stage] = t
    if "Pairs:" in "".join(l for _, l in run["out"]): ends.pop("examples", None)
    shown = {}
    for stage, s in seconds.items():
        if stage == "import":  # no bar can track an import: a line says what is happening
            shown[stage] = None if s < long else any(l.startswith("Importing Keras") for _, l in run["out"]); continue
        if s < long or stage not in ends: shown[stage] = None if s < long else False; continue
        start = ends[stage] - s
        shown[stage] = any(start <= t <= ends[stage] + 0.5 and BAR.search(text) for t, text in run["err"])
    return shown

def bench(scale: float, models: list[str], data_dir: Path | None, timeout: float, long: float, max_gb: float) -> dict:
    folder = data_dir or Path(tempfile.gettempdir()) / f"node2vec_nb_synthetic_{scale:g}"
    t = time.perf_counter()
    marker = folder / "query.txt"
    if marker.exists(): query = marker.read_text().strip(); print(f"Using {folder} (written before)")
    else:
        query = write_movielens(scale, folder); marker.write_text(query)
        print(f"Wrote {folder} from synthetic_ratings({scale:g}) in {time.perf_counter() - t:.0f} s")
    results = {}
    for model in models:
        with tempfile.TemporaryDirectory() as out:
            run = run_cli(["--data", str(folder), "--out", out, "--model", model, "--query", query], timeout, max_gb)
            summary_file = Path(out) / "summary.json"
            summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
        seconds = summary.get("seconds", {})
        shown = progress_check(run, seconds, long)
        errors = "".join(text for _, text in run["err"])
        stopped_in = last_bar = None
        if not summary:  # stopped or failed: the stage after the last one that finished, and whether it showed a bar
            done = [stage for stage, prefix in STAGE_LINES.items() if any(l.startswith(prefix) for _, l in run["out"])]
            order = ["load", "graph", "walks", "examples" if model == "tutorial" else None, "training"]
            stopped_in = next((stage for stage in order if stage and stage not in done), "export")
            if run["out"] and run["out"][-1][1].startswith("Importing Keras"): stopped_in = "import"
            last = max((t for t, l in run["out"] if l.startswith(tuple(STAGE_LINES.values()) + ("Pairs:",))), default=0)
            shown[stopped_in] = any(t > last and BAR.search(text) for t, text in run["err"])
            bars = [b for b in errors.replace("\r", "\n").splitlines() if BAR.search(b)]
            last_bar = bars[-1].strip()[:160] if bars else None  # how far the stopped stage got
        last_error = next((l for l in reversed(errors.replace("\r", "\n").splitlines()) if l.strip() and not BAR.search(l)), "")
        results[model] = dict(status=run["status"], timed_out=run["timed_out"], over_memory=run["over_memory"], wall_seconds=round(run["wall"], 1),
                              peak_gb=round(run["peak_gb"], 2), seconds=seconds, progress_shown=shown,
                              estimated_gb=round(sum(summary.get("estimated_bytes", {}).values()) / 1e9, 2) if summary else None,
                              **{k: summary.get(k) for k in ["ratings", "nodes", "edges", "walks", "examples", "final_loss"]},
                              stopped_in=stopped_in, last_bar=last_bar, last_stderr_line=None if run["status"] == 0 else last_error[-300:])
        report(model, results[model], scale)
    return results

def report(model: str, r: dict, scale: float):
    print(f"\n== --model {model}: exit {r['status']}{' (stopped at the timeout)' if r['timed_out'] else ''}{' (stopped: over the memory limit)' if r['over_memory'] else ''}, "
          f"{r['wall_seconds']:.0f} s wall, peak RSS {r['peak_gb']:.2f} GB (estimate of the big arrays: {r['estimated_gb']} GB)")
    if r["status"] != 0: print(f"   last stderr line: {r['last_stderr_line']}")
    if r["stopped_in"]:
        print(f"   stopped during the {r['stopped_in']} stage ({'a progress bar was showing' if r['progress_shown'].get(r['stopped_in']) else 'NO PROGRESS SHOWN'})")
        if r["last_bar"]: print(f"   its last progress: {r['last_bar']}")
    if r["nodes"]: print(f"   {r['ratings']:,} ratings, {r['nodes']:,} nodes, {r['edges']:,} edges, {r['walks']:,} walks, {r['examples']:,} examples or pairs")
    for stage, s in r["seconds"].items():
        shown = r["progress_shown"].get(stage)
        print(f"   {stage:16s} {s:8.1f} s   {'-' if shown is None else 'progress shown' if shown else 'NO PROGRESS SHOWN'}")
    if r["seconds"]:
        slowest = max(r["seconds"], key=r["seconds"].get)
        print(f"   slowest stage: {slowest} ({r['seconds'][slowest]:.0f} s of {r['wall_seconds']:.0f} s)")
    if scale >= 100:
        ok_t, ok_m = r["wall_seconds"] <= TARGET_SECONDS and r["status"] == 0, r["peak_gb"] <= TARGET_GB
        print(f"   targets: time {'met' if ok_t else 'MISSED'} (<= {TARGET_SECONDS} s), memory {'met' if ok_m else 'MISSED'} (<= {TARGET_GB:g} GB)")

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=100, help="size of the ratings table, x ml-latest-small (default: 100)")
    ap.add_argument("--model", nargs="+", default=["tutorial", "sgns"], choices=["tutorial", "sgns"], help="models to run, one process each")
    ap.add_argument("--data-dir", type=Path, help="folder for the MovieLens-shaped CSVs (default: a folder in the temp dir, reused)")
    ap.add_argument("--timeout", type=float, default=1800, help="stop a run after this many seconds (default: 1800)")
    ap.add_argument("--max-gb", type=float, default=float("inf"), help="stop a run whose memory passes this many GB (default: no limit)")
    ap.add_argument("--long", type=float, default=max(5.0, 2 * PROGRESS_DELAY), help="a stage this long must show progress (default: 5 s)")
    ap.add_argument("--json", type=Path, help="also write the results to this JSON file")
    ap.add_argument("--write-only", action="store_true", help="only write the data folder (to run the models later)")
    a = ap.parse_args(argv)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    print(f"node2vec-movies at scale {a.scale:g}: {machine}")
    results = bench(a.scale, [] if a.write_only else a.model, a.data_dir, a.timeout, a.long, a.max_gb)
    for r in results.values(): r["machine"] = machine  # runs of separate invocations can be merged into one file
    if a.json: a.json.write_text(json.dumps(dict(scale=a.scale, machine=machine, target_seconds=TARGET_SECONDS, target_gb=TARGET_GB,
                                                 results=results), indent=2) + "\n")

if __name__ == "__main__":
    main()
