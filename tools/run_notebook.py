#!/usr/bin/env python3
"""Run notebooks top to bottom and save their outputs, as the committed pages show them.

    python tools/run_notebook.py nbs/02_walk.ipynb [nbs/03_skipgram.ipynb ...]

Each notebook runs in nbs/ (as nbdev_test runs it), with progress bars off (NODE2VEC_NB_PROGRESS=0) so that
no bar lands in a saved output, every cell included (`notest` cells too: their outputs are what the page shows).
The install cell (`eval: false`) is skipped. Afterwards run `nbdev_clean` to strip what Jupyter adds.
Exits 1 on the first failing cell, naming it; the notebook is then left as it was.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def _skipped(cell) -> bool:
    "Cells nbdev never runs: `eval: false` (the Colab install cell)."
    src = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    return any(line.replace(" ", "").lower() in ("#|eval:false",) for line in src.splitlines())


def run(path: Path, timeout: int) -> float:
    nb = nbformat.read(path, as_version=4)
    skipped = {i: c for i, c in enumerate(nb.cells) if c.cell_type == "code" and _skipped(c)}
    for i, c in skipped.items(): nb.cells[i] = nbformat.v4.new_raw_cell(c.source)   # not run
    os.environ["NODE2VEC_NB_PROGRESS"] = "0"
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    for i, c in skipped.items():
        code = nbformat.v4.new_code_cell(c.source, metadata=c.metadata); code.id = c.get("id", code.id)
        nb.cells[i] = code
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds one cell may take")
    args = ap.parse_args(argv)
    for p in map(Path, args.notebooks):
        try: seconds = run(p, args.timeout)
        except CellExecutionError as e:
            print(f"run_notebook: {p} failed:\n{str(e)[-3000:]}", file=sys.stderr); return 1
        print(f"run_notebook: {p} ran in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
