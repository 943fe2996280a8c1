#!/usr/bin/env python3
"""How long the tutorial is to read: words and code a learner meets on each page, and the reading time it states.

    python tools/lesson_stats.py            # the table for lessons 00-05
    python tools/lesson_stats.py --check    # also fail if a budget is broken or a stated reading time is off
    python tools/lesson_stats.py nbs/02_walk.ipynb   # any pages

What counts, page by page, as the rendered site shows it:

- main path: what a reader sees without opening anything. Markdown outside collapsed callouts
  (`::: {.callout-... collapse="true"}` ... `:::`, which may span cells), and the source of code cells that are
  neither hidden (`#| hide`, `#| export`, `#| exporti`, `#| echo: false`, `#| include: false`; nbdev shows
  `#| exports` cells) nor folded (`#| code-fold: true`);
- visible: the same plus everything inside the folds;
- test lines: lines of visible code cells that call a `fastcore.test` function or `assert`;
- reading time: main-path words at 200 a minute plus main-path code lines at 20 a minute, rounded. Calibrated on
  the Keras page (about 1,100 words and 250 code lines: 18 minutes, where a learner reported about 20).

Each tutorial page states its reading time in a line `Reading time: about N minutes` near its top; `--check`
compares that with the computed N and enforces the budgets below.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TUTORIAL_PAGES = ["00_data", "01_graph", "02_walk", "03_skipgram", "04_model", "05_analysis"]
WORDS_PER_MINUTE, CODE_LINES_PER_MINUTE = 200, 20
MAIN_PATH_BUDGET = 5_000      # main-path words of the six tutorial pages together (about 4x the Keras page)
TEST_LINES_BUDGET = 20        # visible test lines per page
READING_TIME = re.compile(r"Reading time: about (\d+) minutes?")

_open_fold = re.compile(r"^\s*:::+\s*\{[^}]*\.callout-[\w-]+[^}]*collapse=\"?true\"?[^}]*\}\s*$")
_open_div = re.compile(r"^\s*:::+\s*\{.*\}\s*$|^\s*:::+\s*\w+\s*$")
_close_div = re.compile(r"^\s*:::+\s*$")
_test_line = re.compile(r"^\s*(assert\b|test_\w+\(|test\(|.*\btest_(eq|ne|close|fail|is|fig_exists|shuffled|stdout|warns)\()")


def _src(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def directives(src: str) -> dict[str, str]:
    "The cell's `#| key: value` directives (a bare `#| hide` gives {'hide': ''})."
    out = {}
    for line in src.splitlines():
        m = re.match(r"^\s*#\|\s*([\w-]+)\s*:?\s*(.*)$", line)
        if m: out[m.group(1)] = m.group(2).strip().lower()
    return out


def hidden(src: str) -> bool:
    "Is the cell's source absent from the rendered page?"
    d = directives(src)
    return bool({"hide", "default_exp", "export", "exporti"} & set(d)) or d.get("echo") == "false" or d.get("include") == "false"


def prose_words(text: str) -> int:
    "Words a reader reads in a piece of markdown: link targets, HTML comments, images and markup do not count."
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)          # images
    text = re.sub(r"\]\([^)]*\)", "]", text)                     # link targets
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"\{[.#][^}]*\}", " ", text)                   # Quarto attributes
    text = re.sub(r"</?\w+[^>]*>", " ", text)                    # HTML tags
    return sum(1 for w in text.split() if re.search(r"[\w\u00C0-\uFFFF]", w))


def code_lines(src: str) -> int:
    "Lines of a code cell a reader reads: not directives, not blank."
    return sum(1 for line in src.splitlines() if line.strip() and not re.match(r"^\s*#\|", line))


def page_stats(path: Path) -> dict:
    "Main-path and visible words, code lines, test lines and the reading times of one notebook."
    nb = json.loads(path.read_text())
    folds, stack = 0, []          # stack of open divs: True where the div is a collapsed callout
    main_words = all_words = main_code = all_code = tests = 0
    stated = None
    for cell in nb["cells"]:
        src = _src(cell)
        if cell["cell_type"] == "markdown":
            m = READING_TIME.search(src)
            if m and stated is None: stated = int(m.group(1))
            chunk = []
            def flush():
                nonlocal main_words, all_words
                n = prose_words("\n".join(chunk)); chunk.clear()
                all_words += n
                if folds == 0: main_words += n
            for line in src.splitlines():
                if _open_fold.match(line):
                    flush(); stack.append(True); folds += 1
                elif _open_div.match(line):
                    flush(); stack.append(False)
                elif _close_div.match(line) and stack:
                    flush()
                    if stack.pop(): folds -= 1
                else: chunk.append(line)
            flush()
        elif cell["cell_type"] == "code" and not hidden(src):
            n = code_lines(src)
            all_code += n
            if folds == 0 and directives(src).get("code-fold") not in ("true", "show"): main_code += n
            tests += sum(1 for line in src.splitlines() if _test_line.match(line) and not line.lstrip().startswith("#"))
    minutes = round(main_words / WORDS_PER_MINUTE + main_code / CODE_LINES_PER_MINUTE)
    return dict(page=path.stem, main_words=main_words, visible_words=all_words, main_code_lines=main_code,
                visible_code_lines=all_code, test_lines=tests, reading_minutes=max(1, minutes), stated_minutes=stated)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="*", help="pages to measure (default: the tutorial, lessons 00-05)")
    ap.add_argument("--check", action="store_true", help="exit 1 if a budget is broken or a stated reading time is off")
    args = ap.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or [REPO / "nbs" / f"{name}.ipynb" for name in TUTORIAL_PAGES]
    rows = [page_stats(p) for p in paths]
    head = f"{'page':<14}{'main words':>11}{'visible words':>14}{'main code':>10}{'visible code':>13}{'test lines':>11}{'reading':>9}{'stated':>8}"
    print(head); print("-" * len(head))
    for r in rows:
        print(f"{r['page']:<14}{r['main_words']:>11,}{r['visible_words']:>14,}{r['main_code_lines']:>10,}{r['visible_code_lines']:>13,}"
              f"{r['test_lines']:>11}{r['reading_minutes']:>6} min{(str(r['stated_minutes']) + ' min') if r['stated_minutes'] else '-':>8}")
    total = sum(r["main_words"] for r in rows)
    print("-" * len(head))
    print(f"{'total':<14}{total:>11,}{sum(r['visible_words'] for r in rows):>14,}{sum(r['main_code_lines'] for r in rows):>10,}"
          f"{sum(r['visible_code_lines'] for r in rows):>13,}{sum(r['test_lines'] for r in rows):>11}"
          f"{sum(r['reading_minutes'] for r in rows):>6} min")
    if not args.check: return 0
    problems = []
    if not args.notebooks and total > MAIN_PATH_BUDGET:
        problems.append(f"the tutorial's main path has {total:,} words; the budget is {MAIN_PATH_BUDGET:,}")
    for r in rows:
        if r["test_lines"] > TEST_LINES_BUDGET:
            problems.append(f"{r['page']}: {r['test_lines']} visible test lines; at most {TEST_LINES_BUDGET} (hide regression tests with #| hide)")
        if r["stated_minutes"] is None:
            problems.append(f"{r['page']}: no line 'Reading time: about {r['reading_minutes']} minutes' near the top")
        elif r["stated_minutes"] != r["reading_minutes"]:
            problems.append(f"{r['page']}: states {r['stated_minutes']} minutes of reading, but its main path takes {r['reading_minutes']}")
    for p in problems: print("lesson_stats:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
