#!/usr/bin/env python3
"""Test node2vec_nb's walk explorer in a real browser (headless Chromium, offline), the way a reader uses it.

    python tools/test_walk_explorer.py                       # the explorer's own page: small graph + Les Misérables
    python tools/test_walk_explorer.py --page _docs/walk_explorer.html    # every explorer on a rendered page
    python tools/test_walk_explorer.py --jupyterlab          # in JupyterLab: run a cell, then the same checks

For every explorer it finds, it moves the sliders and clicks nodes, then
1. reads the next-step probabilities the page computed (full precision, from the root's `data-law`) and
   compares them with `node2vec_nb.walk.transition_probabilities` for several (p, q, t, v): at most 1e-12 apart;
2. at p = 1/4, q = 4, presses "1,000 steps" twice and tests the tally of return / stay / outward steps against
   its exact expectation with Pearson's chi-square (p-value > 1e-3), and the same tally against the expectation
   with p and q swapped, which must be rejected (p-value < 1e-6); tests each next node against the law of the
   (t, v) it left, state by state (p-value > 1e-3); the walk must be a walk of the graph, its counts and
   expectation must be Python's (`exact_step_shares`), and Reset must replay the seeded walk; presses Walk, Stop;
3. checks that the explorers asked the network for nothing and that nothing logged an error.
It prints what it read and saves a screenshot (--screenshot). Exits 1 on the first failure, with one line saying why.
Needs Playwright (pip) and Chromium (`apt-get install chromium`); Playwright's own browser download is not used.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import threading
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import networkx as nx
import numpy as np
from scipy.stats import chi2, chisquare

from node2vec_nb.explore import STEP_KINDS, exact_step_shares
from node2vec_nb.walk import transition_probabilities
from node2vec_nb.walk_explorer import walk_explorer

TOLERANCE = 1e-12                 # JS against Python, per probability
RIGHT_MIN, SWAPPED_MAX = 1e-3, 1e-6
CHI_P, CHI_Q = 0.25, 4.0          # the chi-square runs at p = 1/4, q = 4; swapped, the law is far away


class Failure(Exception):
    "A check that failed; its message is the one line the test prints."


def small_graph() -> nx.Graph:
    "The walk lesson's graph to think with (nbs/02_walk.ipynb)."
    g = nx.Graph()
    g.add_weighted_edges_from([("a", "b", 2.0), ("b", "c", 1.0), ("b", "d", 3.0), ("b", "e", 1.5), ("b", "f", 0.5),
                               ("a", "c", 2.0), ("a", "d", 1.0), ("e", "f", 2.0), ("f", "g", 1.0), ("g", "a", 4.0)])
    return g


def embedded_graph(data: dict) -> nx.Graph:
    "The graph an explorer embeds, rebuilt from its JSON: node names, neighbours and weights in the page's order."
    g = nx.Graph()
    g.add_nodes_from(data["nodes"])
    for i, (nbrs, weights) in enumerate(zip(data["nbrs"], data["w"])):
        for j, w in zip(nbrs, weights):
            if i <= j: g.add_edge(data["nodes"][i], data["nodes"][j], weight=w)
    return g


def check(ok: bool, message: str):
    if not ok: raise Failure(message)


# ---------- one explorer ----------
class Explorer:
    "Drives one explorer (its root element) on a page."

    def __init__(self, page, root, graph: nx.Graph, name: str, strict: bool = True):
        self.page, self.root, self.graph, self.name, self.strict = page, root, graph, name, strict
        self.data = json.loads(root.locator("script.n2v-data").text_content())
        self.index = {n: i for i, n in enumerate(self.data["nodes"])}
        self.node_of = {str(n): n for n in graph}            # page names -> graph nodes
        check(sorted(self.node_of) == sorted(self.data["nodes"]), f"{name}: the page's nodes are not the graph's")
        check("n2v-live" in (root.get_attribute("class") or ""), f"{name}: the explorer's script did not start")

    def law(self) -> dict: return json.loads(self.root.get_attribute("data-law"))
    def tally(self) -> dict: return json.loads(self.root.get_attribute("data-tally"))

    def click_node(self, name: str):
        self.root.locator(f'g.n2v-node[data-i="{self.index[name]}"] circle.n2v-hit').click(timeout=5000)

    def choose(self, t: str, v: str):
        "Make the walker stand on v, coming from t, by clicking: t first (unless it stands there), then v."
        if self.law()["v"] != t: self.click_node(t)
        check(self.law()["v"] == t, f"{self.name}: clicking {t!r} did not move the walker there")
        self.click_node(v)
        now = self.law()
        check((now["t"], now["v"]) == (t, v),
              f"{self.name}: clicking {t!r} then {v!r} gave t={now['t']!r}, v={now['v']!r}")

    def slide(self, which: str, log2: float, keyboard: bool = False):
        "Set p or q to 2**log2 with its slider: by typing the value, or with the keyboard (one arrow press)."
        slider = self.root.locator(f"input.n2v-{which}")
        if keyboard:
            slider.fill(str(log2 + 0.25))
            slider.focus(); self.page.keyboard.press("ArrowLeft")
        else:
            slider.fill(str(log2))
        got = self.law()[which]
        check(got == 2.0 ** log2, f"{self.name}: the {which} slider set {which}={got}, not {2.0 ** log2}")

    def compare_law(self) -> float:
        "Largest |JS - Python| over the next-step law shown now; also checks kinds, shown numbers and bars."
        law = self.law()
        t, v, p, q = self.node_of[law["t"]], self.node_of[law["v"]], law["p"], law["q"]
        exact = transition_probabilities(self.graph, t, v, p, q)
        js = {self.node_of[x]: (pr, kind) for x, pr, kind in law["next"]}
        check(set(js) == set(exact), f"{self.name}: the page's neighbours of {v!r} are not the graph's")
        for x, (pr, kind) in js.items():
            want = STEP_KINDS[0 if x == t else 1 if self.graph.has_edge(x, t) else 2]
            check(kind == want, f"{self.name}: step {t!r}->{v!r}->{x!r} shown as {kind!r}, it is {want!r}")
        diff = max(abs(js[x][0] - exact[x]) for x in exact)
        check(diff <= TOLERANCE,
              f"{self.name}: probabilities from ({t!r}, {v!r}) at p={p}, q={q} differ from Python's by {diff:.2e}")
        shown = [float(s) for s in self.root.locator(".n2v-bars .n2v-num").all_text_contents()]
        top = sorted(exact.values(), reverse=True)[:len(shown)]
        check(len(shown) >= 1 and np.allclose(shown, np.round(top, 3), atol=1e-9),
              f"{self.name}: the bars show {shown[:4]}…, not the rounded law {np.round(top, 3)[:4]}…")
        return diff

    def sample(self, presses: int = 2) -> tuple[np.ndarray, np.ndarray, list]:
        "Reset, press 1,000 steps `presses` times; return the counts, their expectation and the steps (t, v, x)."
        self.root.locator("button.n2v-reset").click()
        for _ in range(presses): self.root.locator("button.n2v-many").click()
        tally = self.tally()
        flat = self.root.get_attribute("data-steps")
        ids = [int(i) for i in flat.split(",")] if flat else []
        steps = [[self.node_of[self.data["nodes"][i]] for i in ids[k:k + 3]] for k in range(0, len(ids), 3)]
        check(tally["n"] == 1000 * presses == len(steps),
              f"{self.name}: the tally counts {tally['n']} steps, not {1000 * presses}")
        return np.array(tally["counts"], dtype=np.float64), np.array(tally["expected"]), steps

    def chi_square(self, t: str, v: str) -> dict:
        "The tally of 2,000 steps from (t, v) at p = 1/4, q = 4 against the exact law, and against p and q swapped."
        self.choose(t, v)
        self.slide("p", math.log2(CHI_P)); self.slide("q", math.log2(CHI_Q))
        counts, expected, steps = self.sample()
        g = self.graph
        name = self.name
        check(all(g.has_edge(a, b) and g.has_edge(b, c) for a, b, c in steps), f"{name}: the walk left the graph's edges")
        check(all(s[1:] == n[:2] for s, n in zip(steps, steps[1:])), f"{name}: the walk's steps do not follow on")
        check(steps[0][:2] == [self.node_of[t], self.node_of[v]], f"{name}: the walk did not start at ({t}, {v})")
        kinds = [0 if c == a else 1 if g.has_edge(c, a) else 2 for a, b, c in steps]
        check(list(counts) == list(np.bincount(kinds, minlength=3)), f"{name}: the tally's counts are not the walk's")
        token = {x: i + 1 for i, x in enumerate(g)}
        walks = np.array([[token[x] for x in s] for s in steps])
        python = exact_step_shares(g, walks, CHI_P, CHI_Q).exact.to_numpy() * len(steps)
        check(np.allclose(expected, python, rtol=1e-9, atol=1e-9),
              f"{name}: the page's expectation {expected} is not Python's {python}")
        swapped = exact_step_shares(g, walks, CHI_Q, CHI_P).exact.to_numpy() * len(steps)
        (chi_right, right), (chi_wrong, wrong) = _chisquare(counts, expected), _chisquare(counts, swapped)
        check(right > RIGHT_MIN, f"{name}: chi-square rejects the walk against its exact law (p-value {right:.2e})")
        stat, df, per_state = _transition_chisquare(g, steps, CHI_P, CHI_Q)
        check(df > 0 or not self.strict, f"{name}: no state was visited often enough for the per-state test")
        check(not df or per_state > RIGHT_MIN,
              f"{name}: the next nodes do not follow the law of their states (p-value {per_state:.2e})")
        check(wrong < SWAPPED_MAX, f"{name}: chi-square cannot tell the walk from p and q swapped (p-value {wrong:.2e})")
        again, _, steps_again = self.sample()
        check(steps_again == steps and list(again) == list(counts), f"{name}: Reset did not replay the seeded walk")
        return dict(counts=counts.astype(int).tolist(), expected=expected.round(1).tolist(), right=right, swapped=wrong,
                    chi_right=chi_right, chi_swapped=chi_wrong, swapped_expected=swapped.round(1).tolist(),
                    per_state=(stat, df, per_state))

    def walk_button(self):
        "Press Walk: the walker slides from node to node and Stop ends it; a whole walk (no motion) adds walk_length steps."
        self.root.locator("button.n2v-reset").click()
        go, handle, length = self.root.locator("button.n2v-go"), self.root.element_handle(), self.data["walk_length"]
        go.click()
        self.page.wait_for_function("el => JSON.parse(el.dataset.tally).n >= 1", arg=handle, timeout=5000)
        go.click()                                           # Stop
        stopped = self.tally()["n"]
        self.page.wait_for_timeout(600)
        check(self.tally()["n"] == stopped < length, f"{self.name}: Stop did not stop the walk")
        check(go.text_content().startswith("Walk"), f"{self.name}: the walk button reads {go.text_content()!r} after Stop")
        self.page.emulate_media(reduced_motion="reduce")     # a whole walk, quickly: no sliding between nodes
        go.click()
        done = "([el, n]) => JSON.parse(el.dataset.tally).n >= n && !el.classList.contains('n2v-walking')"
        self.page.wait_for_function(done, arg=[handle, stopped + length], timeout=15_000)
        self.page.emulate_media(reduced_motion="no-preference")
        took = self.tally()["n"] - stopped
        check(took == length, f"{self.name}: a walk took {took} steps, not {length}")


def _chisquare(counts: np.ndarray, expected: np.ndarray) -> tuple[float, float]:
    "Pearson's chi-square statistic and p-value of `counts` against `expected`, leaving out kinds that cannot happen."
    keep = expected > 0
    check(counts[~keep].sum() == 0, "the walk took a kind of step its law gives no chance")
    result = chisquare(counts[keep], expected[keep] * counts.sum() / expected[keep].sum())
    return float(result.statistic), float(result.pvalue)


def _transition_chisquare(graph: nx.Graph, steps: list, p: float, q: float) -> tuple[float, int, float]:
    """Pearson's chi-square of every next node against the exact law of the (t, v) it left, summed over the states
    visited (the walk lesson's test, one state at a time): statistic, degrees of freedom and p-value. Within a state,
    next nodes expected fewer than 5 times share one bin; states visited fewer than 20 times are left out."""
    by_state = {}
    for t, v, x in steps: by_state.setdefault((t, v), []).append(x)
    stat, df = 0.0, 0
    for (t, v), xs in by_state.items():
        if len(xs) < 20: continue
        law = transition_probabilities(graph, t, v, p, q)
        expected = {x: len(xs) * pr for x, pr in law.items()}
        seen = {x: xs.count(x) for x in law}
        big = [x for x in law if expected[x] >= 5]
        bins = [(seen[x], expected[x]) for x in big]
        rest = [x for x in law if x not in big]
        if rest: bins.append((sum(seen[x] for x in rest), sum(expected[x] for x in rest)))
        if len(bins) < 2: continue
        stat += sum((o - e) ** 2 / e for o, e in bins); df += len(bins) - 1
    return stat, df, float(chi2.sf(stat, df)) if df else float("nan")


def _p(x: float) -> str: return f"{x:.3g}" if x >= 1e-300 else "< 1e-300"


def cases_for(graph: nx.Graph) -> list[tuple]:
    "(t, v, log2 p, log2 q) cases: for the small graph by hand, for any other graph from its busiest node."
    if set(map(str, graph)) == set("abcdefg"):
        return [("a", "b", -1, 1), ("b", "e", 2, -2), ("g", "a", -3, 3), ("e", "f", 0.75, -1.25), ("c", "a", 0, 0)]
    v = max(graph, key=graph.degree)
    nb = sorted(graph[v], key=lambda x: (-graph[v][x].get("weight", 1.0), str(x)))   # heaviest first
    light = nb[-1]
    other = next((y for y in sorted(graph[light], key=str) if y != v), v)
    return [(str(nb[0]), str(v), -1, 1), (str(light), str(v), 2, -2), (str(v), str(light), -3, 3),
            (str(light), str(other), 1.5, -0.5)]


def check_explorer(ex: Explorer) -> dict:
    "Every check on one explorer; returns what it read."
    diffs = []
    for k, (t, v, lp, lq) in enumerate(cases_for(ex.graph)):
        ex.choose(t, v)
        ex.slide("p", lp, keyboard=(k == 0)); ex.slide("q", lq, keyboard=(k == 1))
        diffs.append(ex.compare_law())
    t, v = cases_for(ex.graph)[0][:2]
    chi = ex.chi_square(t, v)
    ex.walk_button()
    return dict(cases=len(diffs), max_diff=max(diffs), **chi)


def report(name: str, r: dict):
    k = list(STEP_KINDS)
    print(f"{name}: {r['cases']} (p, q, t, v) cases, max |JS - Python| = {r['max_diff']:.1e}")
    print(f"{name}: 2,000 steps at p = {CHI_P:g}, q = {CHI_Q:g}: counts {dict(zip(k, r['counts']))}, "
          f"exact expectation {dict(zip(k, r['expected']))}")
    print(f"{name}: chi-square {r['chi_right']:.2f}, p-value {_p(r['right'])} against the exact law (needs > {RIGHT_MIN:g})")
    stat, df, pv = r["per_state"]
    print(f"{name}: next node against the law of its state: chi-square {stat:.1f} on {df} degrees of freedom, "
          f"p-value {_p(pv)} (needs > {RIGHT_MIN:g})" if df else
          f"{name}: next node against the law of its state: skipped, no state visited 20 times in 2,000 steps")
    print(f"{name}: chi-square {r['chi_swapped']:,.0f}, p-value {_p(r['swapped'])} against p and q swapped "
          f"(needs < {SWAPPED_MAX:g}; expectation {dict(zip(k, r['swapped_expected']))})")


# ---------- the browser ----------
def open_browser(pw, chromium: str, allowed: tuple[str, ...]):
    browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    blocked, errors = [], []
    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:")) or url.startswith(allowed): r.continue_()
        else: blocked.append(url); r.abort()
    page.route("**/*", route)
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    return browser, page, blocked, errors


def check_page(page, graphs: list[nx.Graph] | None, names: list[str] | None) -> list[tuple[str, dict]]:
    roots = page.locator(".n2v-walk").all()
    check(len(roots) > 0, "no walk explorer on the page")
    ids = [r.get_attribute("id") for r in roots]
    check(len(set(ids)) == len(ids), f"explorers share ids: {ids}")
    out = []
    for k, root in enumerate(roots):
        root.scroll_into_view_if_needed()
        markup = root.evaluate("el => el.outerHTML")
        url = re.search(r"\b(?:src|href)\s*=|url\(|@import|https?://(?!www\.w3\.org/2000/svg)", markup)
        check(url is None, url and f"explorer {k + 1} names a URL in its markup: {markup[url.start():][:60]!r}")
        data = json.loads(root.locator("script.n2v-data").text_content())
        graph = graphs[k] if graphs else embedded_graph(data)
        name = names[k] if names else f"explorer {k + 1} ({len(data['nodes'])} nodes)"
        # 2,000 steps visit the states of a graph of up to 80 nodes often enough for the per-state test
        strict = graphs is not None or len(data["nodes"]) <= 80
        out.append((name, check_explorer(Explorer(page, root, graph, name, strict))))
    return out


def finish(page, blocked, errors, screenshot: str, start: float, results, site: tuple[int, int] = (0, 0)):
    """Report, screenshot, then fail on any network request or console error, except, on a rendered page, the first
    `site = (requests, errors)`: those of the page itself while it loaded (the explorers' scripts ran to the end)."""
    for name, r in results: report(name, r)
    page.screenshot(path=screenshot, full_page=True)
    own = blocked[site[0]:]
    if own: raise Failure(f"the page asked the network for {len(own)} resource(s), e.g. {own[0]}")
    late = errors[site[1]:]
    if late: raise Failure(f"{len(late)} console error(s), e.g. {late[0]}")
    if site[0]:
        names = sorted({u.split("/")[2] + "/…/" + u.split("?")[0].rsplit("/", 1)[1] for u in blocked[:site[0]]})
        print(f"the page itself (not its explorers) asked the network for {site[0]} resource(s) while loading, "
              f"blocked: {', '.join(names)}")
    if site[1]: print(f"the page itself logged {site[1]} error(s) while loading, e.g. {errors[0][:100]!r}")
    print(f"network requests by the explorers: none; console errors: none; screenshot: {screenshot}; "
          f"{time.perf_counter() - start:.1f} s")


def run_own_page(pw, args):
    start = time.perf_counter()
    graphs, names = [small_graph(), nx.les_miserables_graph()], ["small graph", "Les Misérables"]
    explorers = [walk_explorer(graphs[0], p=0.5, q=2.0, t="a", v="b"), walk_explorer(graphs[1], q=0.5, v="Valjean")]
    for g, e, name in zip(graphs, explorers, names):      # what Python embedded is the graph, in the graph's order
        check(e.data["nodes"] == [str(x) for x in g], f"{name}: embedded nodes differ from the graph's")
        check(e.data["w"] == [[float(a.get("weight", 1.0)) for a in g[x].values()] for x in g],
              f"{name}: embedded weights differ from the graph's")
    with tempfile.TemporaryDirectory() as tmp:
        path = explorers[0].save(Path(tmp) / "explorers.html", explorers[1])
        browser, page, blocked, errors = open_browser(pw, args.chromium, ())
        page.goto(path.as_uri(), wait_until="load")
        results = check_page(page, graphs, names)
        finish(page, blocked, errors, args.screenshot, start, results)
        browser.close()


def _serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    "Serve `folder` on 127.0.0.1 (a site's pages load their own scripts as modules, which file:// forbids)."
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def run_rendered_page(pw, args):
    start = time.perf_counter()
    server = None
    if "://" in args.page: url, origin = args.page, "/".join(args.page.split("/")[:3])
    else:
        path = Path(args.page).resolve()
        check(path.is_file(), f"no page at {args.page}")
        server, origin = _serve(path.parent)
        url = f"{origin}/{path.name}"
    browser, page, blocked, errors = open_browser(pw, args.chromium, (origin,))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(500)
    # A rendered page asks the network for things of its own while it loads (Quarto's CDN scripts on pages with HTML
    # outputs: jQuery, require.js, MathJax; its theme's web font; the Colab badge), and offline its own inline
    # `define('jquery', ...)` then fails: blocked and reported. The explorers' markup must name no URL and their
    # scripts must have run to the end (check_page); after loading, no request and no error may happen at all.
    site = (len(blocked), len(errors))
    page.evaluate("document.querySelectorAll('.callout .collapse').forEach(e => e.classList.add('show'))")
    results = check_page(page, None, None)
    finish(page, blocked, errors, args.screenshot, start, results, site)
    browser.close()
    if server: server.shutdown()


# ---------- JupyterLab ----------
NOTEBOOK_CELL = """import networkx as nx
from node2vec_nb.walk_explorer import walk_explorer
small = nx.Graph()
small.add_weighted_edges_from([("a", "b", 2.0), ("b", "c", 1.0), ("b", "d", 3.0), ("b", "e", 1.5),
    ("b", "f", 0.5), ("a", "c", 2.0), ("a", "d", 1.0), ("e", "f", 2.0), ("f", "g", 1.0), ("g", "a", 4.0)])
walk_explorer(small, p=0.5, q=2.0, t="a", v="b")"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


def run_jupyterlab(pw, args):
    from playwright.sync_api import Error as PlaywrightError
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "explorer", "metadata": {}, "outputs": [],
                         "source": NOTEBOOK_CELL}],
              "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
              "nbformat": 4, "nbformat_minor": 5}
        (tmp / "explorer.ipynb").write_text(json.dumps(nb))
        port, token = _free_port(), os.urandom(12).hex()
        # A JupyterLab of its own: its config, runtime and user settings in the temporary folder. The settings turn
        # off the news feed, whose question would otherwise pop up over the explorer's buttons.
        settings = tmp / "settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
                   JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"))
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp}", f"--LabApp.workspaces_dir={tmp}",
             "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
            + (["--allow-root"] if os.geteuid() == 0 else []),
            cwd=tmp, env=env, stdout=open(tmp / "server.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                if server.poll() is not None: raise Failure("JupyterLab stopped")
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2); break
                except OSError: time.sleep(0.5)
            else: raise Failure("JupyterLab did not start within 2 minutes")
            browser, page, blocked, errors = open_browser(pw, args.chromium, (base,))
            page.goto(f"{base}/lab/tree/explorer.ipynb?token={token}", wait_until="load")
            page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=60_000)
            page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=60_000)
            prompt = page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").first
            for attempt in range(3):                         # a run pressed before the kernel is connected is lost
                page.locator(".jp-Notebook .jp-Cell .cm-content").first.click()
                page.keyboard.press("Control+Enter")
                try:
                    started = "el => /\\[[*\\d]/.test(el.textContent)"    # the prompt shows [*] or [1]
                    page.wait_for_function(started, arg=prompt.element_handle(), timeout=20_000)
                    break
                except PlaywrightError: pass
            try: page.wait_for_selector(".jp-OutputArea .n2v-walk.n2v-live", timeout=120_000)
            except PlaywrightError:
                page.screenshot(path=args.screenshot)
                raise Failure(f"no live explorer in the cell's output after 120 s (screenshot {args.screenshot})")
            results = check_page(page, [small_graph()], ["JupyterLab: small graph"])
            finish(page, blocked, errors, args.screenshot, start, results)
            browser.close()
        except (Failure, PlaywrightError) as e:
            log = Path(args.screenshot).with_suffix(".server.log")
            log.write_text((tmp / "server.log").read_text())
            lines = str(e).splitlines()
            waiting = next((line.strip() for line in lines if "waiting for" in line), "")
            raise Failure(f"{lines[0]} {waiting} (JupyterLab's log: {log})") from None
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try: server.wait(timeout=20)
            except subprocess.TimeoutExpired: os.killpg(server.pid, signal.SIGKILL)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--page", help="a rendered page with explorers on it: a file (served from its folder on 127.0.0.1) "
                                   "or a URL, e.g. _docs/walk_explorer.html")
    ap.add_argument("--jupyterlab", action="store_true", help="run a notebook cell in JupyterLab and test its output")
    ap.add_argument("--screenshot", help="where to save the screenshot (default: a file under /tmp)")
    ap.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium to drive")
    args = ap.parse_args(argv)
    mode = "jupyterlab" if args.jupyterlab else "page" if args.page else "own"
    args.screenshot = args.screenshot or str(Path(tempfile.gettempdir()) / f"walk_explorer_{mode}.png")
    try:
        from playwright.sync_api import Error as PlaywrightError, sync_playwright
    except ImportError:
        print("test_walk_explorer: FAIL: Playwright is missing: pip install playwright"); return 1
    if not Path(args.chromium).exists():
        print(f"test_walk_explorer: FAIL: no Chromium at {args.chromium}: apt-get install -y chromium"); return 1
    try:
        with sync_playwright() as pw:
            {"own": run_own_page, "page": run_rendered_page, "jupyterlab": run_jupyterlab}[mode](pw, args)
    except Failure as e:
        print(f"test_walk_explorer: FAIL: {e}"); return 1
    except PlaywrightError as e:
        lines = str(e).splitlines()
        waiting = next((line.strip() for line in lines if "waiting for" in line), "")
        print(f"test_walk_explorer: FAIL: the browser: {lines[0]} {waiting}".rstrip()); return 1
    print("test_walk_explorer: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
