#!/usr/bin/env python3
"""Run the Spark engine on a real Spark standalone cluster started on this machine, check it, and stop the cluster.

    python tools/spark_cluster.py                       # makes the executors' Python in a scratch folder
    python tools/spark_cluster.py --worker-python PATH  # or uses one that has the dependencies but not node2vec_nb

A standalone master and one worker start from pyspark's own jars (spark-class), bound to 127.0.0.1 only. The
worker's executors run a Python that has node2vec_nb's dependencies but not node2vec_nb itself, as on a cluster
where nobody installed it: the package must ship itself to them (spark_session adds a zip of it to the job).
Against spark://127.0.0.1:PORT it checks:

1. node2vec-movies --spark spark://127.0.0.1:PORT runs end to end in a process of its own;
2. the executors run the worker's Python and import node2vec_nb from the shipped zip;
3. spark_graph_edges on ml-latest-small returns graph_edges' graph (same nodes and edges, weights within 1e-12);
4. spark_random_walks on a small graph follows the exact law of node2vec's second-order step (chi-square test,
   which rejects the law with p and q swapped);
5. an executors' Python without numpy gives one line that says what to install.

The cluster is stopped however the checks end (an error, Ctrl-C, or the time limit, --timeout seconds in all).
Exits 0 if every check passed, and prints how long it took.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _same_versions() -> list[str]:
    "The dependencies pinned to the versions this Python has, so that pickled arrays read the same on both sides."
    from importlib.metadata import version
    from node2vec_nb.spark import EXECUTOR_PACKAGES   # what node2vec_nb.spark imports on an executor
    return [f"{name}=={version(name)}" for name in EXECUTOR_PACKAGES.split()]


def make_worker_python(folder: Path) -> str:
    "A virtual environment with node2vec_nb's dependencies and not node2vec_nb, from this Python's base."
    venv = folder / "worker-venv"
    subprocess.run([os.path.join(sys.base_prefix, "bin", "python3"), "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *_same_versions()],
                   check=True, stdout=subprocess.DEVNULL)
    return python


class Cluster:
    "A standalone master and one worker, started from pyspark's jars; `stop` ends both and everything they started."
    def __init__(self, folder: Path):
        import pyspark
        self.home = Path(pyspark.__file__).parent
        self.folder, self.procs = folder, []
        self.port = _free_port()
        self.url = f"spark://127.0.0.1:{self.port}"
        self.env = dict(os.environ, SPARK_HOME=str(self.home), SPARK_LOCAL_IP="127.0.0.1",
                        SPARK_MASTER_OPTS="-Dspark.master.rest.enabled=false")

    def start(self, cores: int = 2, memory: str = "2g"):
        self._start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", str(self.port), "--webui-port", str(_free_port()))
        self._start("worker", "org.apache.spark.deploy.worker.Worker", self.url, "--host", "127.0.0.1",
                    "--cores", str(cores), "--memory", memory, "--webui-port", str(_free_port()),
                    "--work-dir", str(self.folder / "work"))

    def _start(self, name: str, main_class: str, *args: str):
        log = open(self.folder / f"{name}.log", "w")
        self.procs.append(subprocess.Popen([str(self.home / "bin" / "spark-class"), main_class, *args],
                                           stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                           start_new_session=True))

    def wait_ready(self, timeout: float):
        "Wait until the worker has registered with the master."
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "Successfully registered with master" in (self.folder / "worker.log").read_text(): return
            if any(p.poll() is not None for p in self.procs): break
            time.sleep(0.5)
        raise RuntimeError(f"the cluster did not start; its logs:\n{self.logs()}")

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(self.folder.glob("*.log")))

    def stop(self):
        "Stop the worker and the master: SIGTERM to each process group, SIGKILL after 10 s."
        for p in reversed(self.procs):
            try: os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError: pass
        for p in reversed(self.procs):
            try: p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try: os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError: pass
                p.wait()


def law_pvalue(samples, law: dict) -> float:
    "p-value of Pearson's chi-square test that `samples` were drawn from `law` (next node -> probability)."
    import numpy as np
    from scipy.stats import chisquare
    counts = Counter(samples.tolist())
    assert set(counts) <= set(law), f"steps outside the law's support: {set(counts) - set(law)}"
    observed = np.array([counts[x] for x in law])
    return chisquare(observed, np.array(list(law.values())) * len(samples)).pvalue


_started = time.perf_counter()


def check(name: str, ok: bool, detail: str = ""):
    print(f"[{time.perf_counter() - _started:.0f} s] {'ok' if ok else 'FAILED'}: {name}"
          + (f" ({detail})" if detail else ""), flush=True)
    if not ok: raise SystemExit(1)


def run_checks(cluster: Cluster, worker_python: str, folder: Path, deadline: float):
    import networkx as nx
    import numpy as np
    from node2vec_nb.data import load_movielens
    from node2vec_nb.graph import graph_edges
    from node2vec_nb.spark import SparkUnavailableError, spark_graph_edges, spark_random_walks, spark_session
    from node2vec_nb.walk import make_vocabulary, transition_probabilities

    left = lambda: max(10, int(deadline - time.monotonic()))
    env = dict(os.environ, PYSPARK_PYTHON=worker_python, SPARK_LOCAL_IP="127.0.0.1")
    os.environ.update(PYSPARK_PYTHON=worker_python, SPARK_LOCAL_IP="127.0.0.1")

    # 1. the command line, as a user would run it
    out = folder / "run"
    cli = Path(sys.executable).with_name("node2vec-movies")
    command = [str(cli), "--spark", cluster.url, "--out", str(out), "--min-weight", "30", "--num-walks", "1",
               "--epochs", "1", "--top-k", "2"]
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=left())
    graph_line = next((l for l in run.stdout.splitlines() if l.startswith("Graph:")), "")
    check("node2vec-movies --spark " + cluster.url, run.returncode == 0 and (out / "summary.json").exists()
          and "on Spark at spark://" in graph_line, f"{time.perf_counter() - start:.0f} s; {graph_line}"
          if run.returncode == 0 else f"exit status {run.returncode}: {run.stderr[-2000:]}")

    spark = spark_session(cluster.url)
    try:
        sc = spark.sparkContext
        # 2. where the executors' code comes from
        def where(_):
            import sys as s
            import node2vec_nb
            yield s.executable, node2vec_nb.__file__
        python, module = sc.parallelize([0], 1).mapPartitions(where).collect()[0]
        check("the executors run the worker's Python and import node2vec_nb from the shipped zip",
              python == worker_python and ".zip" in module, f"{python}; {module}")

        # 3. the graph
        movies, ratings = load_movielens()
        edges, spark_edges = graph_edges(ratings), spark_graph_edges(spark, ratings)
        same = (np.array_equal(spark_edges.nodes, edges.nodes) and np.array_equal(spark_edges.u, edges.u)
                and np.array_equal(spark_edges.v, edges.v))
        error = float(np.max(np.abs(spark_edges.weight - edges.weight) / edges.weight)) if same else np.inf
        check("spark_graph_edges returns graph_edges' graph", same and error <= 1e-12,
              f"{len(edges.nodes):,} nodes, {len(edges.u):,} edges, largest relative weight difference {error:.1e}")

        # 4. the walks' law, on the small graph of lesson 02
        small = nx.Graph()
        small.add_weighted_edges_from([("a", "b", 2.0), ("b", "c", 1.0), ("b", "d", 3.0), ("b", "e", 1.5),
                                       ("b", "f", 0.5), ("a", "c", 2.0), ("a", "d", 1.0), ("e", "f", 2.0),
                                       ("f", "g", 1.0), ("g", "a", 4.0)])
        _, lookup = make_vocabulary(small)
        tokens = lambda law: {lookup[x]: pr for x, pr in law.items()}
        walks = spark_random_walks(spark, small, num_walks=6000, num_steps=20, p=0.5, q=2.0, seed=0, partitions=4)
        at = (walks[:, :-2] == lookup["a"]) & (walks[:, 1:-1] == lookup["b"])
        after_ab = walks[:, 2:][at]
        right = law_pvalue(after_ab, tokens(transition_probabilities(small, "a", "b", 0.5, 2.0)))
        swapped = law_pvalue(after_ab, tokens(transition_probabilities(small, "a", "b", 2.0, 0.5)))
        check("the walks follow node2vec's law (chi-square)", len(after_ab) > 30_000 and right > 1e-3
              and swapped < 1e-6, f"{len(after_ab):,} steps after a→b: p = {right:.3g}; with p and q swapped, "
              f"p = {swapped:.3g}")

        # 5. executors whose Python lacks numpy: a Python started without its site-packages. A context
        # fixes its workers' Python when it starts (SparkContext.pythonExec); swapping it here saves
        # starting a second application.
        bare = folder / "bare-python"
        bare.write_text(f"#!/bin/sh\nexec {worker_python} -S \"$@\"\n")
        bare.chmod(0o755)
        sc.pythonExec = str(bare)
        try:
            spark_random_walks(spark, small, num_walks=1, num_steps=3)
            message = "no error"
        except SparkUnavailableError as e: message = str(e)
        check("an executors' Python without numpy gets one line saying what to install",
              "has no numpy: install numpy pandas" in message and "\n" not in message, message)
    finally:
        spark.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker-python", help="the executors' Python: has numpy, pandas, scipy, networkx, "
                        "matplotlib and tqdm, not node2vec_nb (default: a virtual environment made here)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for everything (default: 600)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    deadline = time.monotonic() + args.timeout
    def out_of_time(*_): raise TimeoutError(f"spark_cluster: still running after {args.timeout:.0f} s")
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.timeout))
    cluster = None
    with tempfile.TemporaryDirectory(prefix="spark-cluster-") as scratch:
        folder = Path(scratch)
        try:
            worker_python = args.worker_python or make_worker_python(folder)
            has_package = subprocess.run([worker_python, "-c", "import node2vec_nb"], capture_output=True,
                                         cwd=folder).returncode == 0
            check("the worker's Python does not have node2vec_nb", not has_package, worker_python)
            print(f"worker Python ready after {time.perf_counter() - start:.0f} s", flush=True)
            cluster = Cluster(folder)
            cluster.start()
            cluster.wait_ready(timeout=120)
            print(f"cluster {cluster.url} up after {time.perf_counter() - start:.0f} s", flush=True)
            run_checks(cluster, worker_python, folder, deadline)
        except BaseException as e:
            if cluster is not None and not isinstance(e, SystemExit): print(cluster.logs(), file=sys.stderr)
            print(f"spark_cluster: failed after {time.perf_counter() - start:.0f} s: {type(e).__name__}: {e}",
                  file=sys.stderr)
            return 1
        finally:
            signal.alarm(0)
            if cluster is not None: cluster.stop()
    print(f"spark_cluster: all checks passed in {time.perf_counter() - start:.0f} s "
          f"(load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
