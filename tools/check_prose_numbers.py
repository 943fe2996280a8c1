#!/usr/bin/env python3
"""Every number in a lesson's prose must be true on its page: printed by a cell, in a cell's code, or cited.

    python tools/check_prose_numbers.py                  # every notebook in nbs/
    python tools/check_prose_numbers.py nbs/02_walk.ipynb

For each notebook, the numbers in its markdown cells are compared with the numbers in its code cells' sources and
outputs (text, HTML and markdown outputs; not images). A prose number matches an output number that shows the
same value at the prose's precision: "0.26" matches a printed 0.2581, "884,277" matches 884277, "1.8x" matches
1.83, "55%" matches 0.553 or 55.3, "about 884,000" matches 884277 (trailing zeros of numbers >= 1,000 round).
A number that matches nothing is flagged, unless `CITED` below lists it for that notebook with its source.

Not checked: whole numbers up to 12 (lesson numbers, versions, "two seeds"), link targets, URLs, HTML comments, Quarto attributes, ordered-list markers, version numbers
(1.7.34), numbers inside words (node2vec, L2, ml-1m), and the `Reading time: about N minutes` line, which
`tools/lesson_stats.py --check` computes and checks instead. Fenced code blocks in markdown count as code.
Exits 1 and lists every flagged number, with the sentence it stands in.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Numbers a page states without computing them, each with where it comes from. Keep the source beside every entry:
# a number belongs here only if a reader could look it up there. Keys are notebook names, "*" holds for every page.
CITED: dict[str, dict[str, str]] = {
    "*": {
        "2016": "Grover & Leskovec (2016), node2vec: Scalable Feature Learning for Networks, KDD 2016",
    },
    "08_sgns.ipynb": {
        "2014": "Levy & Goldberg (2014), Neural Word Embedding as Implicit Matrix Factorization, NIPS 2014; "
                "Pennington, Socher & Manning (2014), GloVe: Global Vectors for Word Representation, EMNLP 2014",
        "2015": "Levy, Goldberg & Dagan (2015), Improving Distributional Similarity with Lessons Learned from "
                "Word Embeddings, TACL 3",
    },
    "09_p_and_q.ipynb": {
        "2014": "Perozzi, Al-Rfou & Skiena (2014), DeepWalk: Online Learning of Social Representations, KDD 2014 "
                "(arXiv:1403.6652)",
        "2017": "Ribeiro, Saverese & Figueiredo (2017), struc2vec: Learning Node Representations from Structural "
                "Identity, KDD 2017 (arXiv:1704.03165)",
        "4.1": "Grover & Leskovec (2016), node2vec, section 4.1 (Figure 3, Les Misérables)",
    },
    "00a_core.ipynb": {
        "884,277": "the examples generate_examples makes from the tutorial's walks, printed by 03_skipgram.ipynb "
                   "(and by index.ipynb)",
    },
    "index.ipynb": {
        "3.10": "settings.ini, min_python = 3.10",
        "2015": "the MovieLens paper: Harper & Konstan (2015), ACM TiiS 5(4), Article 19",
        "19": "the MovieLens paper: Harper & Konstan (2015), ACM TiiS 5(4), Article 19",
        "30": "bench/scale.py's default scales, 1 10 30 100 (--scales), shown in 06_performance.ipynb",
        "100": "bench/scale.py's default scales, 1 10 30 100 (--scales), shown in 06_performance.ipynb",
    },
    "03_skipgram.ipynb": {
        "883,654": "the Keras example's examples count, 'Targets shape: (883654,)' "
                   "(keras.io/examples/graph/node2vec_movielens, Keras 3 version)",
    },
    "04_model.ipynb": {
        "2.3127": "the Keras example's loss after its last epoch, 'Epoch 10/10 … loss: 2.3127' "
                  "(keras.io/examples/graph/node2vec_movielens, Keras 3 version, 'Train the model')",
    },
    "12_blogcatalog.ipynb": {
        "0.2581": "Grover & Leskovec (2016), node2vec, Table 2: BlogCatalog Macro-F1 at 50% labelled, node2vec",
        "0.2110": "Grover & Leskovec (2016), node2vec, Table 2: BlogCatalog Macro-F1 at 50% labelled, DeepWalk",
        "0.0405": "Grover & Leskovec (2016), node2vec, Table 2: BlogCatalog Macro-F1 at 50% labelled, spectral clustering",
        "2009": "Tang & Liu (2009), Relational Learning via Latent Social Dimensions, KDD 2009 (BlogCatalog's source)",
        "2014": "Perozzi, Al-Rfou & Skiena (2014), DeepWalk, KDD 2014 (arXiv:1403.6652); "
                "Levy & Goldberg (2014), Neural Word Embedding as Implicit Matrix Factorization, NIPS 2014",
        "2018": "Qiu, Dong, Ma, Li, Wang & Tang (2018), Network Embedding as Matrix Factorization: Unifying DeepWalk, "
                "LINE, PTE, and node2vec, WSDM 2018 (arXiv:1710.02971)",
        "1,405": "the tutorial's MovieLens graph, '1,405 movies, 40,043 edges', printed by 07_evaluation.ipynb",
        "40,043": "the tutorial's MovieLens graph, '1,405 movies, 40,043 edges', printed by 07_evaluation.ipynb",
        "57": "mean degree of the tutorial's MovieLens graph: 2 × 40,043 / 1,405, counts printed by 07_evaluation.ipynb",
        "78": "Zachary's karate club has 34 members and 78 friendships (networkx.karate_club_graph)",
        "50": "the tutorial's embedding_dim: TUTORIAL in node2vec_nb/core.py (00a_core.ipynb), the Keras example's 50",
    },
}

SMALL = 12   # whole numbers up to this are labels as often as claims (lesson 6, Keras 3, step 2): not checked

_number = re.compile(
    r"(?<![\w.\-/^])"                                   # not inside a word, a version, a path or an exponent
    r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"                 # 1,405  1405  0.254
    r"(?![\w.]*\.\d)"                                   # not a version such as 1.7.34
    r"(\s*%|\s*(?:×|x)(?![\w])|\s*(?:million|thousand|billion)\b|(?![\w]))"
)
_haystack_number = re.compile(r"(?<![\d.])-?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:[eE]([-+]?\d+))?")


def _src(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _outputs(cell) -> str:
    pieces = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            pieces.append(_src({"source": out["text"]}))
        for mime, value in out.get("data", {}).items():
            if mime.startswith("text/") or mime == "application/json":
                pieces.append(_src({"source": value}) if not isinstance(value, dict) else json.dumps(value))
    return "\n".join(pieces)


def haystack(nb: dict) -> set[Decimal]:
    "Every number in the notebook's code and outputs, and in fenced code blocks of its markdown."
    texts = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code": texts += [_src(cell), _outputs(cell)]
        else: texts += re.findall(r"```.*?```", _src(cell), flags=re.S)
    found = set()
    for text in texts:
        text = re.sub(r"(?<=\d)_(?=\d)", "", text)             # Python's 24_000

        for m in _haystack_number.finditer(text):
            try:
                value = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
                if m.group(3): value = value.scaleb(int(m.group(3)))
            except (InvalidOperation, ValueError): continue
            found.add(abs(value))
    return found


def strip_markup(md: str) -> str:
    "Markdown with what is not prose blanked out (keeping line structure for context)."
    md = re.sub(r"```.*?```", " ", md, flags=re.S)
    md = re.sub(r"<!--.*?-->", " ", md, flags=re.S)
    md = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", md)
    md = re.sub(r"\]\([^)]*\)", "]", md)
    md = re.sub(r"https?://\S+", " ", md)
    md = re.sub(r"\{[.#][^}]*\}", " ", md)
    md = re.sub(r"</?\w+[^>]*>", " ", md)
    md = re.sub(r"^(\s*)\d+\.\s", r"\1", md, flags=re.M)           # ordered-list markers
    md = re.sub(r"^.*Reading time: about \d+ minutes?.*$", " ", md, flags=re.M)
    md = re.sub(r"\b\d+(?:\.\d+){2,}\b", " ", md)                  # versions
    return md


def prose_numbers(md: str):
    "(text as written, value, decimals, kind) of each number in the prose; kind is '%', 'x', a scale word or ''."
    for m in _number.finditer(strip_markup(md)):
        whole, frac, suffix = m.group(1), m.group(2) or "", (m.group(3) or "").strip()
        value = Decimal(whole.replace(",", "") + frac)
        kind = "%" if suffix == "%" else "x" if suffix in ("×", "x") else suffix
        yield m.group(0).strip(), value, len(frac) - 1 if frac else 0, kind


_SCALE = {"thousand": 3, "million": 6, "billion": 9}


def matches(value: Decimal, decimals: int, kind: str, pool: set[Decimal]) -> bool:
    "Does any number in `pool` show `value` at the prose's precision?"
    if kind in _SCALE:
        value, decimals = value.scaleb(_SCALE[kind]), decimals - _SCALE[kind]
    candidates = [value]
    if decimals == 0 and value >= 1000:                       # 23,100 or 884,000: rounded to its trailing zeros
        zeros = len(str(int(value))) - len(str(int(value)).rstrip("0"))
        decimals = -zeros
    step = Decimal(1).scaleb(-decimals)
    for v in candidates:
        for h in pool:
            for scaled in ((h, h * 100) if kind == "%" else (h,)):
                if abs(scaled - v) <= step / 2 and (decimals <= 0 or _decimals(scaled) >= decimals or scaled == v):
                    return True
    return False


def _decimals(d: Decimal) -> int:
    return max(0, -d.normalize().as_tuple().exponent) if d != d.to_integral() else 0


def check_notebook(path: Path) -> list[str]:
    "One line per prose number that nothing on the page shows and no citation covers."
    nb = json.loads(path.read_text())
    pool = haystack(nb)
    cited = {**CITED.get("*", {}), **CITED.get(path.name, {})}
    problems = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown": continue
        md, seen = _src(cell), set()
        for text, value, decimals, kind in prose_numbers(md):
            if text in seen or (decimals == 0 and kind == "" and value <= SMALL): continue
            seen.add(text)
            if matches(value, decimals, kind, pool): continue
            if text.replace(" ", "") in {c.replace(" ", "") for c in cited}: continue
            plain = strip_markup(md)
            at = plain.find(text)
            context = " ".join(plain[max(0, at - 60): at + len(text) + 40].split())
            problems.append(f"{path.name}: cell {i}: {text!r} is shown by no cell and cited nowhere: …{context}…")
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="*", help="notebooks to check (default: every one in nbs/)")
    args = ap.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or sorted(p for p in (REPO / "nbs").glob("*.ipynb") if not p.name.startswith("_"))
    problems = [line for p in paths for line in check_notebook(p)]
    for line in problems: print(line)
    print(f"check_prose_numbers: {len(paths)} notebooks, {len(problems)} numbers in the prose that no output shows")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
