#!/usr/bin/env python3
"""Check what a reader of the rendered site would see, without Quarto.

    python tools/check_docs.py                 # process the notebooks (as nbdev_docs does), then check
    python tools/check_docs.py --no-proc       # check the _proc/ folder left by an earlier processing
    python tools/check_docs.py --write-readme  # write README.md from index.ipynb, then check
    python tools/check_docs.py --quarto PATH   # also render README.md with that Quarto and compare

nbdev_docs processes the notebooks into _proc/ (show_doc output, doc links, front matter) and Quarto renders
that folder. This script runs the same processing and reads its result the way a reader reads the pages:

- signatures: no markdown (links, backticks) inside a show_doc signature block, no line wider than the column;
- links: every link into the site lands on a page and an anchor that exist; no link text is a file name;
- outputs: no machine paths, progress bars or TensorFlow log lines in what cells printed;
- layout: no paragraph that is a lone image (Quarto turns it into a captioned, centred figure), no mermaid
  diagram laid out left to right with more than four boxes, no text block wider than the column;
- config: _proc/_quarto.yml is the top-level _quarto.yml, and nbdev's refresh leaves nbs/nbdev.yml alone;
- README.md is index.ipynb rendered as GitHub markdown, so that nbdev_docs rewrites it to the same text:
  Quarto's `gfm` format is pandoc's commonmark writer with GitHub's extensions, wrapping lines at 72 columns
  (pandoc's default), and that is what this script runs; `--quarto` checks it against a real Quarto;
- README.md's links work where the README is read without the site (GitHub, PyPI): no relative links.

Exits 1 and lists every defect, page by page.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from configparser import ConfigParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROC = REPO / "_proc"
COLUMN = 90  # characters of monospace text that fit the page's content column
CODE_COLUMN = 88  # characters of a code line that fit it: body-width 900px and code at 0.8rem show 92 at a
                  # 1366-pixel-wide window, 101 at 1440 (measured with Chromium); 88 is black's line length

_link = re.compile(r"(?<!!)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_fence = re.compile(r"^(```+|~~~+)\s*\{?([\w-]*)\}?.*?\n(.*?)^\1\s*$", re.M | re.S)
_machine_path = re.compile(r"(?<![\w.])(/tmp/|/work/|/root/|/home/[\w.-]+/|/Users/[\w.-]+/|/private/var/|[A-Z]:\\Users\\)")
_progress = re.compile(r"\d+%\|.*\||\d+/\d+ \[[\d:<]+|it/s\]|s/it\]")
_tf_log = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d|absl::InitializeLog|oneDNN custom operations|cuInit|cuda drivers|cpu_feature_guard", re.M)
_filename_text = re.compile(r"^`?\d\d[a-z]?_[\w]+(\.ipynb)?`?$")
_lone_image = re.compile(r"^\s*(\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)|!\[[^\]]*\]\([^)]*\))\s*$")


def _settings() -> dict:
    cfg = ConfigParser(delimiters=["="])
    cfg.read(REPO / "settings.ini")
    return cfg["DEFAULT"]


def _src(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _text(output) -> list[tuple[str, str]]:
    "(kind, text) pieces of one cell output."
    if output.get("output_type") == "stream":
        t = output["text"]
        return [(output.get("name", "stdout"), "".join(t) if isinstance(t, list) else t)]
    res = []
    for mime, v in output.get("data", {}).items():
        if mime.startswith("text/"): res.append((mime, "".join(v) if isinstance(v, list) else v))
    if output.get("output_type") == "error": res.append(("error", "\n".join(output.get("traceback", []))))
    return res


def pandoc_id(heading: str) -> str:
    "The id pandoc gives a heading (its auto_identifiers rule)."
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)   # links -> text
    text = text.replace("`", "").replace("*", "")
    out = []
    for ch in text.lower():
        if ch.isalnum() or ch in "_-.": out.append(ch)
        elif ch.isspace(): out.append("-")
    ident = "".join(out)
    ident = re.sub(r"^[^a-z\u00c0-\uffff]+", "", ident)
    return ident or "section"


def _directives(src: str) -> dict:
    d = {}
    for line in src.splitlines():
        m = re.match(r"^#\|\s*([\w-]+)\s*(?::\s*(.*))?$", line.strip())
        if not m: break
        d[m.group(1)] = (m.group(2) or "").strip()
    return d


class Page:
    "One processed notebook: its rendered name, anchors, and cells."
    def __init__(self, path: Path):
        self.path, self.nb = path, json.loads(path.read_text())
        self.cells = self.nb["cells"]
        front = next((_src(c) for c in self.cells if c["cell_type"] == "raw"), "")
        m = re.search(r"^output-file:\s*(\S+)", front, re.M)
        self.html = m.group(1) if m else path.with_suffix(".html").name
        self.anchors = set()
        for c in self.cells:
            texts = [_src(c)] if c["cell_type"] == "markdown" else [t for o in c.get("outputs", []) for k, t in _text(o) if k == "text/markdown"]
            for t in texts:
                t = _fence.sub("", t)
                for h in re.findall(r"^#{1,6}\s+(.+?)\s*(?:\{#([\w.-]+)\})?\s*$", t, re.M):
                    self.anchors.add(h[1] or pandoc_id(h[0]))


notes: list[str] = []  # worth a look, not defects


def check_pages(pages: dict[str, Page], site: str) -> list[str]:
    problems = []
    by_nb = {p.path.name: p for p in pages.values()}
    for name, page in sorted(pages.items()):
        def bad(msg): problems.append(f"{page.path.name}: {msg}")
        for i, c in enumerate(page.cells):
            src = _src(c)
            d = _directives(src) if c["cell_type"] == "code" else {}
            # markdown the reader sees: markdown cells and markdown outputs (show_doc)
            mds = [src] if c["cell_type"] == "markdown" else []
            for o in c.get("outputs", []):
                for kind, t in _text(o):
                    if kind == "text/markdown": mds.append(t)
                    elif kind in ("stdout", "stderr", "text/plain", "text/html", "error"):
                        if _machine_path.search(t): bad(f"cell {i}: output shows a machine path: {_machine_path.search(t).group(0)!r} in {t[max(0, _machine_path.search(t).start() - 40):_machine_path.search(t).end() + 30]!r}")
                        if kind in ("stderr", "stdout") and _progress.search(t): bad(f"cell {i}: output shows a progress bar: {_progress.search(t).group(0)!r}")
                        if _tf_log.search(t): bad(f"cell {i}: output shows a TensorFlow log line: {_tf_log.search(t).group(0)!r}")
                        if kind == "error": bad(f"cell {i}: output is an error")
            for md in mds:
                is_doc = "show_doc" in src
                for fm in _fence.finditer(md):
                    lang, body = fm.group(2), fm.group(3)
                    if is_doc and lang == "python":
                        if _link.search(body): bad(f"cell {i}: markdown link inside a signature: {_link.search(body).group(0)[:90]!r}")
                        elif "`" in body: bad(f"cell {i}: backticks inside a signature: {[l for l in body.splitlines() if '`' in l][0].strip()[:90]!r}")
                        for line in body.splitlines():
                            if len(line) > COLUMN and " # " in line:
                                bad(f"cell {i}: parameter comment cut at the column edge ({len(line)} characters): {line.strip()[:60]!r}…")
                            elif len(line) > COLUMN: notes.append(f"{page.path.name}: cell {i}: a default value makes a signature line {len(line)} characters wide: {line.strip()[:50]!r}…")
                    elif lang == "mermaid":
                        direction = re.search(r"^\s*(?:flowchart|graph)\s+(LR|RL|TB|TD|BT)", body, re.M)
                        boxes = set(re.findall(r"^\s*(\w+)[\[\(\{]", body, re.M) + re.findall(r"-->\s*(?:\|[^|]*\|\s*)?(\w+)", body))
                        if direction and direction.group(1) in ("LR", "RL") and len(boxes) > 4:
                            bad(f"cell {i}: mermaid diagram runs left to right through {len(boxes)} boxes: it is scaled down until its labels are unreadable")
                    elif lang != "python" or not is_doc:
                        for line in body.splitlines():
                            if len(line) > COLUMN and lang in ("", "text", "sh", "bash", "console"):
                                bad(f"cell {i}: text block line of {len(line)} characters is wider than the column: {line[:60]!r}…"); break
                prose = _fence.sub("", md)
                for para in re.split(r"\n\s*\n", prose):
                    if _lone_image.match(para): bad(f"cell {i}: a paragraph that is only an image renders as a captioned figure: {para.strip()[:80]!r}")
                for text, url in _link.findall(prose if not is_doc else md):
                    if _filename_text.match(text.strip()): bad(f"cell {i}: link text is a file name: [{text}]({url})")
                    target = None
                    if url.startswith(site + "/"): target = url[len(site) + 1:]
                    elif not re.match(r"^[a-z]+:", url) and not url.startswith("#"): target = url
                    elif url.startswith("#"): target = page.html + url
                    if target is None: continue
                    file, _, anchor = target.partition("#")
                    dest = pages.get(file) or by_nb.get(file) or (page if file == "" else None)
                    if dest is None:
                        if not (REPO / "nbs" / file).exists() and not file.startswith(("..", "http")):
                            bad(f"cell {i}: link to a page that does not exist: [{text}]({url})")
                        continue
                    if anchor and anchor not in dest.anchors:
                        bad(f"cell {i}: link to an anchor that does not exist on {dest.html}: [{text}]({url})")
    return problems


def check_config() -> list[str]:
    problems = []
    top, link = REPO / "_quarto.yml", REPO / "nbs" / "_quarto.yml"
    if not top.is_file(): problems.append("_quarto.yml: missing at the top level")
    elif not (link.is_symlink() and link.resolve() == top.resolve()): problems.append("nbs/_quarto.yml: must be a link to ../_quarto.yml")
    elif (PROC / "_quarto.yml").exists() and (PROC / "_quarto.yml").read_text() != top.read_text():
        problems.append("_proc/_quarto.yml differs from the top-level _quarto.yml")
    if re.search(r"^\s*commonmark:", top.read_text(), re.M): problems.append("_quarto.yml: the commonmark format is unused (and needs Chrome for mermaid)")
    before = (REPO / "nbs" / "nbdev.yml").read_text()
    from nbdev.quarto import refresh_quarto_yml
    refresh_quarto_yml()
    if (REPO / "nbs" / "nbdev.yml").read_text() != before:
        problems.append("nbs/nbdev.yml: nbdev_docs rewrites it from settings.ini (now rewritten: commit the change)")
    if not link.is_symlink(): problems.append("nbs/_quarto.yml: nbdev replaced the link with its own file")
    return problems


def _hidden_source(src: str) -> bool:
    "Does the rendered page leave out this code cell's source? (nbdev shows `exports` cells, not `export` ones.)"
    d = {}
    for line in src.splitlines():
        m = re.match(r"^\s*#\|\s*([\w-]+)\s*:?\s*(.*)$", line)
        if m: d[m.group(1)] = m.group(2).strip().lower()
    return bool({"hide", "default_exp", "export", "exporti"} & set(d)) or d.get("echo") == "false" or d.get("include") == "false"


def check_notebooks() -> list[str]:
    "Each lesson has its Colab badge, install cell, a guarded export cell, a sidebar entry, and code that fits."
    cfg = _settings()
    problems, sidebar = [], (REPO / "nbs" / "sidebar.yml").read_text()
    listed = set(re.findall(r"[\w.]+\.ipynb", sidebar))
    notebooks = sorted(p for p in (REPO / "nbs").glob("*.ipynb") if not p.name.startswith(("_", ".")))
    for nb in notebooks:
        text = nb.read_text()
        cells = [_src(c) for c in json.loads(text)["cells"]]
        badge = f"https://colab.research.google.com/github/{cfg['user']}/{cfg['repo']}/blob/{cfg['branch']}/nbs/{nb.name}"
        if badge not in text: problems.append(f"{nb.name}: no Colab badge linking to {badge}")
        if not any("pip install" in c and "node2vec_nb @ git+https://github.com/" in c and "fastcore" in c for c in cells):
            problems.append(f"{nb.name}: no install cell that installs node2vec_nb and fastcore")
        for i, c in enumerate(json.loads(text)["cells"]):
            if c["cell_type"] != "code" or _hidden_source(_src(c)): continue
            for line in _src(c).splitlines():
                if len(line) > CODE_COLUMN:
                    problems.append(f"{nb.name}: cell {i}: a code line of {len(line)} characters scrolls sideways (at most {CODE_COLUMN}): {line.strip()[:50]!r}…")
        for c in cells:
            if "nbdev_export()" in c and 'Path("../settings.ini").exists()' not in c:
                problems.append(f"{nb.name}: its export cell fails outside the repo (guard it with Path(\"../settings.ini\").exists())")
        if nb.name not in listed: problems.append(f"nbs/sidebar.yml: {nb.name} is missing")
    for name in sorted(listed - {p.name for p in notebooks}): problems.append(f"nbs/sidebar.yml: lists {name}, which does not exist")
    return problems


# ---------- README: index.ipynb rendered as GitHub markdown ----------
# Quarto renders `-t gfm` as pandoc's commonmark writer with these extensions (quarto-cli,
# src/format/markdown/format-markdown-consts.ts, kGfmCommonmarkExtensions), standalone, with pandoc's default
# wrapping: `--wrap=auto` at 72 columns. Checked against Quarto 1.7.34 (pandoc 3.6.1) with --quarto.
QUARTO_GFM = "commonmark" + "".join(["+autolink_bare_uris", "+emoji", "+footnotes", "+gfm_auto_identifiers",
                                     "+pipe_tables", "+strikeout", "+task_lists", "+tex_math_dollars"])

def _pandoc() -> str:
    exe = shutil.which("pandoc")
    if exe: return exe
    try:
        import pypandoc
        return pypandoc.get_pandoc_path()
    except Exception:
        raise SystemExit("check_docs: rendering README.md needs pandoc (pip install pypandoc_binary, part of the dev extras)")


def _hard_breaks_as_spaces(md: str) -> str:
    "Write hard line breaks as two trailing spaces, as Quarto 1.7's pandoc (3.6) does; pandoc 3.7+ writes a backslash."
    out, fence = [], None
    for line in md.split("\n"):
        opening = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence is None and opening: fence = opening.group(1)
        elif fence is not None and line.strip().startswith(fence): fence = None
        elif fence is None and not line.startswith("    ") and re.search(r"(?<!\\)\\$", line):
            line = line[:-1] + "  "
        out.append(line)
    return "\n".join(out)


readme_limits: list[str] = []  # what render_readme met and cannot render as Quarto does


def render_readme(page: Page) -> str:
    "index.ipynb as `quarto render -t gfm` writes it: title, nbdev's warning, then the visible cells."
    title = re.search(r"^title:\s*(.+)$", next((_src(c) for c in page.cells if c["cell_type"] == "raw"), ""), re.M)
    title = title.group(1).strip().strip("'\"") if title else _settings()["lib_name"]
    parts = []
    for c in page.cells:
        src = _src(c)
        if c["cell_type"] == "raw": continue
        if c["cell_type"] == "markdown":
            parts.append(src); continue
        d = _directives(src)
        if "hide" in d or d.get("include") == "false": continue
        code = "\n".join(l for l in src.splitlines() if not l.strip().startswith("#|")).strip("\n")
        if d.get("echo") != "false" and code: parts.append(f"```python\n{code}\n```")
        if d.get("output") == "false": continue
        for o in c.get("outputs", []):
            pieces = dict(_text(o))
            if "text/markdown" in pieces: parts.append(pieces["text/markdown"])
            elif "text/html" in pieces or any(k.startswith("image/") for k in o.get("data", {})):
                readme_limits.append(f"index.ipynb: a cell's output is HTML or an image, which Quarto turns into "
                                     f"markdown its own way: this check cannot render it; print text instead, or "
                                     f"check with --quarto: {code[:60]!r}")
            elif "stdout" in pieces or "text/plain" in pieces:
                text = pieces.get("stdout") or pieces.get("text/plain")
                parts.append("\n".join("    " + l if l else "" for l in text.rstrip("\n").splitlines()))
    md = "\n\n".join(parts)
    # Quarto emits a mermaid cell unchanged for GitHub: keep it out of pandoc's hands
    blocks = []
    def keep(m):
        blocks.append(m.group(0)); return f"MERMAIDBLOCK{len(blocks) - 1}"
    md = re.sub(r"^```\{mermaid\}\n.*?^```$", keep, md, flags=re.M | re.S)
    out = subprocess.run([_pandoc(), "-f", "markdown", "-t", QUARTO_GFM], input=md, capture_output=True,
                         text=True, check=True).stdout
    out = _hard_breaks_as_spaces(out)
    for i, b in enumerate(blocks): out = out.replace(f"MERMAIDBLOCK{i}", b.replace("```{mermaid}", "``` mermaid"))
    return f"# {title}\n\n\n{out}"


def check_readme_links(readme: str) -> list[str]:
    "Links that work on the site but not where README.md is read on its own: on GitHub, and on PyPI (no base URL)."
    problems = []
    text = _fence.sub("", re.sub(r"<!--.*?-->", "", readme, flags=re.S))
    for target in re.findall(r"\]\(([^)\s]+)", text) + re.findall(r"^\[[^\]]+\]:\s*(\S+)", text, re.M):
        if re.match(r"^[a-z][a-z+.-]*:", target) or target.startswith("#"): continue
        where = "a file that does not exist" if not (REPO / target.partition("#")[0]).exists() else "a file in the repository"
        problems.append(f"README.md: relative link {target!r} ({where}) breaks on PyPI: "
                        f"link the page on the site instead ({_site()}/…)")
    return problems


def _site() -> str:
    cfg = _settings()
    return f"{cfg['doc_host'].replace('%(user)s', cfg['user'])}{cfg['doc_baseurl'].replace('%(repo)s', cfg['repo'])}".rstrip("/")


def _index_project(root: Path) -> Path:
    "A copy of the project in `root` with index.ipynb as its only notebook, so that it can be processed alone."
    (root / "nbs").mkdir()
    for name in ("settings.ini", "_quarto.yml"): shutil.copy(REPO / name, root / name)
    for name in ("index.ipynb", "nbdev.yml", "styles.css"): shutil.copy(REPO / "nbs" / name, root / "nbs" / name)
    (root / "nbs" / "_quarto.yml").symlink_to("../_quarto.yml")
    shutil.copytree(REPO / _settings()["lib_path"], root / _settings()["lib_path"])
    return root


def readme_alone() -> str:
    "index.ipynb processed on its own (in a scratch copy), rendered as README.md: for when other notebooks fail."
    import tempfile
    with tempfile.TemporaryDirectory(prefix="readme-") as scratch:
        root = _index_project(Path(scratch))
        run = subprocess.run([sys.executable, "-c", "from nbdev.serve import proc_nbs; proc_nbs(force=True)"],
                             cwd=root, capture_output=True, text=True)
        if run.returncode: raise SystemExit(f"check_docs: processing index.ipynb failed:\n{run.stderr[-3000:]}")
        return render_readme(Page(root / "_proc" / "index.ipynb"))


def quarto_readme(quarto: str) -> str:
    "README.md as nbdev_readme writes it with a real Quarto, rendered in a scratch copy of the project."
    import tempfile
    with tempfile.TemporaryDirectory(prefix="quarto-readme-") as scratch:
        root = _index_project(Path(scratch))
        quarto_bin = str(Path(quarto).resolve().parent)
        env = {**os.environ, "PATH": f"{quarto_bin}:{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
        run = subprocess.run([str(Path(sys.executable).with_name("nbdev_readme"))], cwd=root, env=env,
                             capture_output=True, text=True)
        if run.returncode or not (root / "README.md").exists():
            raise SystemExit(f"check_docs: Quarto could not render the README:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
        return (root / "README.md").read_text()


def _diff(a: str, b: str, name_a: str, name_b: str, lines: int = 40) -> str:
    import difflib
    return "".join(list(difflib.unified_diff(a.splitlines(True), b.splitlines(True), name_a, name_b))[:lines])


def readme_problems(readme: str, args) -> list[str]:
    "README.md against `readme` (index.ipynb rendered; written first with --write-readme), its links, and Quarto's."
    if args.write_readme: (REPO / "README.md").write_text(readme)
    problems = []
    if (REPO / "README.md").read_text() != readme:
        fix = "--readme-only --write-readme" if args.readme_only else "--write-readme"
        problems.append(f"README.md: differs from index.ipynb as nbdev_docs renders it (run tools/check_docs.py {fix}):\n"
                        + _diff((REPO / "README.md").read_text(), readme, "README.md", "index.ipynb rendered"))
    problems += check_readme_links(readme) + readme_limits
    if args.quarto:
        quarto = quarto_readme(args.quarto)
        if quarto != readme:
            problems.append("README.md: Quarto renders index.ipynb differently from this script's rendering:\n"
                            + _diff(quarto, readme, "Quarto", "check_docs"))
        else: print("check_docs: Quarto writes the same README.md as this script")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-proc", action="store_true", help="check the existing _proc/ instead of processing again")
    parser.add_argument("--write-readme", action="store_true", help="write README.md from index.ipynb first")
    parser.add_argument("--readme-only", action="store_true", help="check (or with --write-readme, write) "
                        "README.md alone, processing index.ipynb on its own")
    parser.add_argument("--quarto", metavar="PATH", help="a Quarto executable: also render README.md with it, as "
                        "nbdev_docs does, and check that it writes what this script writes")
    args = parser.parse_args(argv)
    if args.readme_only:
        problems = readme_problems(readme_alone(), args)
        for p in problems: print(p)
        print(f"check_docs: README.md, {len(problems)} defect(s)")
        sys.exit(1 if problems else 0)
    if not args.no_proc:
        from nbdev.serve import proc_nbs
        proc_nbs(force=True)
    site = _site()
    pages = {}
    for p in sorted(PROC.glob("*.ipynb")):
        page = Page(p); pages[page.html] = page
    problems = check_pages(pages, site) + check_config() + check_notebooks()
    index = next(p for p in pages.values() if p.path.name == "index.ipynb")
    problems += readme_problems(render_readme(index), args)
    for n in notes: print("note:", n)
    for p in problems: print(p)
    print(f"check_docs: {len(pages)} pages, {len(problems)} defect(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
