#!/usr/bin/env python3
"""Run notebooks the way a learner does in Colab: each notebook alone, in an empty folder, in a fresh runtime.

    python tools/colab.py nbs/01_graph.ipynb nbs/04_model.ipynb   # some lessons
    python tools/colab.py --all                                   # every notebook in nbs/

The runtime is a virtual environment with Colab's usual stack (numpy, numba, pandas, matplotlib, TensorFlow, Keras,
networkx, scipy, scikit-learn, tqdm, jinja2, a Jupyter kernel) and without node2vec_nb, fastcore or nbdev.
The package reaches it only through the notebook's own install cell, whose GitHub URL is pointed at a wheel
built from this checkout, and whose `[ -e /content ]` guard (true on Colab) is dropped. Every cell runs in
order, nbdev directives ignored (`notest`, `eval: false` and `hide` cells too), as Colab's "Run all" does.
Whatever a notebook installed is removed again before the next one, so each starts from the same runtime.
Prints the seconds per notebook; exits 1 on the first error, with the failing cell and its traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GITHUB_URL = "git+https://github.com/node2vec-nb/node2vec_nb"
COLAB_STACK = ["numpy", "numba", "pandas", "matplotlib", "tensorflow", "keras", "networkx", "scipy", "scikit-learn",
               "tqdm", "jinja2", "ipykernel", "nbclient", "nbformat", "requests"]
NOT_IN_COLAB = ["node2vec_nb", "fastcore", "nbdev", "execnb"]


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kw)


def make_runtime(venv: Path) -> Path:
    "Create (or reuse) the Colab-like virtual environment; return its python."
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"colab: creating the runtime in {venv} (Colab's stack, about 2 minutes)", flush=True)
        _run([sys.executable, "-m", "venv", str(venv)])
        _run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"])
        _run([str(python), "-m", "pip", "install", "-q", *COLAB_STACK])
    present = [p for p in NOT_IN_COLAB if _installed(python, p)]
    if present: _run([str(python), "-m", "pip", "uninstall", "-q", "-y", *present])
    return python


def _installed(python: Path, name: str) -> bool:
    return subprocess.run([str(python), "-m", "pip", "show", "-q", name], capture_output=True).returncode == 0


def _freeze(python: Path) -> set[str]:
    out = subprocess.run([str(python), "-m", "pip", "freeze", "--exclude-editable"], capture_output=True,
                         text=True, check=True).stdout
    return {line.split("==")[0].split(" @ ")[0].lower() for line in out.splitlines() if line and not line.startswith("#")}


def build_wheel(dest: Path) -> Path:
    "Build node2vec_nb's wheel from this checkout's working tree (tracked and untracked, not ignored)."
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    src = dest / "src"
    for f in filter(None, files):
        if not (REPO / f).is_file(): continue
        (src / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / f, src / f)
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dest), str(src)],
         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return next(dest.glob("node2vec_nb-*.whl"))


def colab_notebook(nb: dict, wheel: Path) -> dict:
    "The notebook as Colab runs it: the install cell points at `wheel` and runs unguarded."
    found = False
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and GITHUB_URL in src and "pip install" in src:
            src = src.replace(GITHUB_URL, wheel.as_uri()).replace("[ -e /content ] && ", "")
            cell["source"] = src
            found = True
    if not found: raise SystemExit("colab: no install cell found (a code cell running pip install with the GitHub URL)")
    return nb


RUNNER = r'''
import json, sys, time, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
path, workdir, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3])
nb = nbformat.read(path, as_version=4)
times = []
client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": workdir}},
                        allow_errors=False)
start = time.time()
try:
    client.execute()
except CellExecutionError as e:
    import re
    print(re.sub(r"\x1b\[[0-9;]*m", "", str(e))[-6000:], file=sys.stderr)
    sys.exit(1)
print(json.dumps({"seconds": time.time() - start, "cells": len(nb.cells)}))
'''


def run_notebook(python: Path, notebook: Path, wheel: Path, timeout: int) -> float:
    "Run one notebook alone in an empty folder with the runtime's kernel; return its seconds."
    base = _freeze(python)
    with tempfile.TemporaryDirectory(prefix="colab-") as tmp:
        content = Path(tmp) / "content"
        content.mkdir()
        nb = colab_notebook(json.loads(notebook.read_text()), wheel)
        target = content / notebook.name
        target.write_text(json.dumps(nb))
        runner = Path(tmp) / "runner.py"
        runner.write_text(RUNNER)
        env = {k: v for k, v in os.environ.items() if k not in ("IN_TEST", "NODE2VEC_NB_PROGRESS", "PYTHONPATH", "VIRTUAL_ENV")}
        env.update(MPLBACKEND="Agg", PATH=f"{python.parent}{os.pathsep}{env.get('PATH', '')}")
        start = time.time()
        res = subprocess.run([str(python), str(runner), str(target), str(content), str(timeout)], cwd=content,
                             env=env, capture_output=True, text=True)
        seconds = time.time() - start
    added = sorted(_freeze(python) - base)
    if added: _run([str(python), "-m", "pip", "uninstall", "-q", "-y", *added])
    if res.returncode != 0:
        print(res.stderr[-8000:], file=sys.stderr)
        raise SystemExit(f"colab: {notebook.name} failed after {seconds:.0f} s")
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (paths)")
    parser.add_argument("--all", action="store_true", help="run every notebook in nbs/")
    parser.add_argument("--venv", type=Path, default=None,
                        help="the Colab-like runtime to create or reuse (default: a temporary one)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell (default 1800)")
    args = parser.parse_args(argv)
    notebooks = sorted((REPO / "nbs").glob("[!_]*.ipynb")) if args.all else args.notebooks
    if not notebooks: parser.error("name notebooks to run, or --all")
    for nb in notebooks:
        if not nb.is_file(): parser.error(f"no notebook at {nb}")
    with tempfile.TemporaryDirectory(prefix="colab-runtime-") as tmp:
        venv = args.venv or Path(tmp) / "venv"
        python = make_runtime(venv)
        wheel = build_wheel(Path(tmp) / "wheel")
        total = 0.0
        for nb in notebooks:
            seconds = run_notebook(python, nb.resolve(), wheel, args.timeout)
            total += seconds
            print(f"colab: {nb.name:<24} ran top to bottom in {seconds:6.1f} s", flush=True)
    print(f"colab: {len(notebooks)} notebook(s) passed in {total:.0f} s")


if __name__ == "__main__":
    main()
