"""The learner's-eye sweep: every lesson, exercise notebook and app page in one real browser.

One JupyterLab server (lessons run with Run All Cells, exercise notebooks as stored), one Voila
served by the recipe of `make app`, one Chromium (Playwright, async) for every page, a few pages
at a time. Each page is looked at the way a learner sees it, at 1366x768, and every problem is
written as one line naming the page, the cell (its number in the notebook file, counted from 1)
and what is wrong. Each page leaves a full-length screenshot (a lesson in JupyterLab two: as
opened, ``*.opened.png``, and after Run All).

What counts as a problem is in :func:`cell_problems` and :func:`page_problems`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import secrets
import shlex
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import browser_support as bs

VIEWPORT = {"width": 1366, "height": 768}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CONCURRENT_PAGES = 3
AXE_PAGES = tuple(f"{n:02d}" for n in range(13))   # every lesson   # every lesson
AXE_IMPACTS = ("serious", "critical")
RUN_TIMEOUT_MS = 150_000

# Words a learner should never meet in a number's place.
NOT_A_NUMBER = re.compile(r"(?<![\w.\-'\"])-?(NaN|nan|None|inf)(?![\w'\"])")
# A widget's Python repr instead of the widget: VBox(children=..., FloatSlider(value=...
RAW_WIDGET = re.compile(r"\b[A-Z]\w*\((children|value|layout|description|options)=")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|There was an error when executing "
                       r"cell|\b\w+Error: ")
# A formula the author meant: $$...$$, \(...\), \[...\], \begin{...}, or $x$ that does not
# start with a digit or a space (a dollar amount such as $220,000 does).
FORMULA = re.compile(r"\$\$.+?\$\$|\\\(.+?\\\)|\\\[.+?\\\]|\\begin\{"
                     r"|(?<![\\$\w])\$(?![\s\d$])[^$\n]+?(?<![\s\\])\$(?!\d)", re.S)

# ----- what the page shows, read in the browser ----------------------------------------------
# One record per cell: JupyterLab's .jp-Cell in order; Voila's <div cell-index="N">.
READ_CELLS = r"""
(app) => {
  const cells = app ? [...document.querySelectorAll('div[cell-index]')]
                    : [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  const shown = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  return cells.map((cell, i) => {
    const md = cell.querySelector('.jp-RenderedMarkdown, .jp-MarkdownOutput');
    const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')].filter(shown);
    const dashboards = [...cell.querySelectorAll('.ek-readout')].map((readout) => {
      let box = readout;
      while (box.parentElement && box.parentElement.closest('.widget-box') &&
             cell.contains(box.parentElement.closest('.widget-box'))) {
        box = box.parentElement.closest('.widget-box');
      }
      const title = box.querySelector('h4');
      return {title: title ? title.innerText.trim() : '',
              height: Math.round(box.getBoundingClientRect().height)};
    });
    return {
      number: app ? Number(cell.getAttribute('cell-index')) : i + 1,
      markdown: app ? !!md && !cell.querySelector('.jp-CodeCell, .jp-OutputArea')
                    : cell.classList.contains('jp-MarkdownCell'),
      prose: md ? md.innerText.trim().replace(/\s+/g, ' ') : '',
      maths: md ? [...md.querySelectorAll('mjx-container')].map(
                    (m) => (m.querySelector('mjx-assistive-mml') || m).textContent.trim()) : [],
      outputs: outputs.map((o) => ({mime: o.getAttribute('data-mime-type') || '',
                                    text: o.innerText,
                                    maths: o.querySelectorAll('mjx-container').length})),
      errors: [...cell.querySelectorAll('.ek-error')].map((e) => e.innerText.trim())
                .filter((t) => t),
      broken: cell.querySelectorAll('.jupyter-widgets-error-widget').length,
      dashboards: dashboards,
    };
  });
}
"""

# Wider than the window: the page itself, JupyterLab's notebook scroller, or a cell.
READ_OVERFLOW = r"""
() => {
  const wide = (el) => el && el.scrollWidth > el.clientWidth + 1;
  const found = [];
  const root = document.scrollingElement || document.documentElement;
  if (wide(root)) found.push(`the page is ${root.scrollWidth}px wide in a ${root.clientWidth}px window`);
  for (const el of document.querySelectorAll('.jp-WindowedPanel-outer, .jp-Notebook')) {
    const style = getComputedStyle(el);
    if (wide(el) && style.overflowX !== 'hidden') {
      found.push(`the notebook scrolls sideways (${el.scrollWidth}px of content in ${el.clientWidth}px)`);
      break;
    }
  }
  return found;
}
"""

ALL_CODE_RUN = r"""
() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')]
    .filter((c) => c.querySelector('.jp-InputArea-editor').innerText.trim() !== '')
    .map((c) => c.querySelector('.jp-InputPrompt').textContent.trim());
  return prompts.length > 0 && prompts.every((p) => /^\[\d+\]:?$/.test(p));
}
"""

VOILA_DONE = r"""
() => {
  const cells = document.getElementById('rendered_cells');
  return !document.getElementById('loading') && (!cells || cells.style.display !== 'none');
}
"""


# ----- turning what was read into problems ----------------------------------------------------
def excerpt(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def formulas_in(source: str) -> int:
    """How many formulas the author of a markdown cell wrote on purpose."""
    return len(FORMULA.findall(source))


def cell_problems(cell: dict, source: str | None = None) -> list[str]:
    """What is wrong in one cell as shown: maths in prose, non-numbers, widget reprs,
    tracebacks, a dashboard's error line."""
    where = f"cell {cell['number']}"
    found = []
    if cell["markdown"] and cell["maths"]:
        meant = formulas_in(source or "")
        if len(cell["maths"]) > meant:
            found.append(f"{where} (markdown '{excerpt(cell['prose'])}'): typeset maths in prose "
                         f"({len(cell['maths'])} formula(s) shown, {meant} written): "
                         f"{excerpt(' | '.join(cell['maths']), 90)!r}")
    for output in cell["outputs"]:
        text = output["text"]
        if output.get("maths"):
            found.append(f"{where}: typeset maths in an output: {excerpt(text)!r}")
        if output["mime"] == "application/vnd.jupyter.stderr" or TRACEBACK.search(text):
            found.append(f"{where}: a traceback or error output: {excerpt(text, 120)!r}")
            continue
        if RAW_WIDGET.search(text):
            found.append(f"{where}: raw widget text instead of the widget: {excerpt(text)!r}")
            continue
        for match in NOT_A_NUMBER.finditer(text):
            start = max(0, match.start() - 40)
            found.append(f"{where}: {match.group(0)!r} printed in an output: "
                         f"{excerpt(text[start:match.end() + 30])!r}")
            break
    if cell.get("broken"):
        found.append(f"{where}: {cell['broken']} widget(s) failed to draw "
                     "(\"Click to show javascript error\")")
    for error in cell["errors"]:
        found.append(f"{where}: a dashboard shows its error line: {excerpt(error, 120)!r}")
    return found


def foreign(url: str) -> bool:
    """A request that leaves the machine (data:, blob: and the local servers are fine)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS


def page_problems(cells: list[dict], sources: dict[int, str], requests: list[str],
                  overflow: list[str]) -> list[str]:
    found = []
    for cell in cells:
        found += cell_problems(cell, sources.get(cell["number"]))
    found += [f"a request leaves the machine: {url}"
              for url in dict.fromkeys(u for u in requests if foreign(u))]
    found += [f"horizontal overflow: {what}" for what in overflow]
    return found


def markdown_sources(notebook: Path) -> dict[int, str]:
    """Cell number (from 1) to source, for the markdown cells of a notebook file."""
    cells = json.loads(notebook.read_text())["cells"]
    return {n: "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for n, c in enumerate(cells, 1) if c["cell_type"] == "markdown"}


def dashboards_stored(notebook: Path) -> int:
    """How many dashboards an executed lesson shows (its readouts in the stored widget state)."""
    text = notebook.read_text()
    return text.count('"ek-readout"')


# ----- results --------------------------------------------------------------------------------
@dataclass
class PageResult:
    name: str                 # e.g. "lab notebooks/00_start_here.ipynb", "app 03_hedging..."
    screenshot: Path | None = None
    problems: list[str] = field(default_factory=list)
    heights: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def report(self) -> str:
        lines = "\n".join(f"  - {p}" for p in self.problems)
        return f"{self.name} ({len(self.problems)} problem(s); screenshot {self.screenshot}):\n" \
               f"{lines}"


@dataclass
class Sweep:
    pages: dict[str, PageResult]
    seconds: float
    heights_file: Path


# ----- servers --------------------------------------------------------------------------------
def stage_site(root: Path) -> Path:
    """Copies of notebooks/ and exercises/ side by side, so a lesson's ../exercises/ link opens;
    JupyterLab runs and saves there, never in the repository."""
    site = root / "site"
    for folder in ("notebooks", "exercises"):
        shutil.copytree(bs.REPO / folder, site / folder,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return site


@contextlib.contextmanager
def lab_server(root: Path):
    """One JupyterLab for every lab page; yields (base URL, token)."""
    site = stage_site(root)
    env, port, token = bs.isolated_env(root / "lab"), bs.free_port(), secrets.token_hex(16)
    bs.quiet_lab_settings(env)
    command = [str(bs.BIN / "jupyter"), "lab", "--no-browser", "--allow-root",
               f"--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={site}"]
    with bs.server(command, root, port, env, site):
        yield f"http://127.0.0.1:{port}", token


@contextlib.contextmanager
def app_server(root: Path):
    """Voila as `make app` runs it: the recipe's build lines, then its last line as the server,
    with the app folder and port moved into the test's folder. Yields (base URL, app folder)."""
    app_dir, port = root / "app", bs.free_port()
    # One visitor opens every lesson here, faster than closed pages free their kernels: the
    # per-address cap (4 for a classroom) would turn the later lessons away.
    recipe = bs.make_recipe("app", APP_DIR=str(app_dir), APP_PORT=str(port), APP_IP="127.0.0.1",
                            APP_PER_CLIENT="64")
    env = bs.isolated_env(root / "voila")
    for line in recipe[:-1]:
        subprocess.run(line, shell=True, cwd=bs.REPO, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    with bs.server(shlex.split(recipe[-1]), root, port, env, bs.REPO):
        yield f"http://127.0.0.1:{port}", app_dir


def shut_kernels_of(base: str, token: str, path: str) -> None:
    """Stop the kernel JupyterLab started for a notebook once the sweep has looked at it."""
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{base}/api/sessions",
                                                      headers=headers), timeout=10) as answer:
        sessions = json.load(answer)
    for session in sessions:
        if session.get("path") == path:
            request = urllib.request.Request(f"{base}/api/sessions/{session['id']}",
                                             headers=headers, method="DELETE")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(request, timeout=10).close()


# ----- looking at one page --------------------------------------------------------------------
# The page's tallest scroller (JupyterLab scrolls inside its notebook panel, Voila inside its
# body), scrolled back to the top; how much taller its content is than the window.
TALLEST_SCROLLER = r"""
() => {
  let best = document.scrollingElement, extra = best.scrollHeight - best.clientHeight;
  for (const el of document.querySelectorAll('body, body *')) {
    const y = getComputedStyle(el).overflowY;
    if ((y === 'auto' || y === 'scroll') && el.clientHeight > 300 &&
        el.scrollHeight - el.clientHeight > extra) {
      best = el;
      extra = el.scrollHeight - el.clientHeight;
    }
  }
  best.scrollTop = 0;
  return extra;
}
"""


async def full_length_screenshot(page, path: Path) -> None:
    """The whole page top to bottom: the window is made as tall as the content for the
    picture (same width, so the same layout), then put back."""
    extra = await page.evaluate(TALLEST_SCROLLER)
    await page.set_viewport_size({"width": VIEWPORT["width"],
                                  "height": min(VIEWPORT["height"] + extra + 40, 30_000)})
    await page.wait_for_timeout(400)
    await page.evaluate(TALLEST_SCROLLER)
    await page.screenshot(path=str(path))
    await page.set_viewport_size(VIEWPORT)


async def axe_problems(page) -> list[str]:
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in AXE_IMPACTS:
            targets = ", ".join(node.get("html", "")[:100] for node in violation["nodes"][:3])
            found.append(f"accessibility ({violation['impact']}) {violation['id']}: "
                         f"{violation['help']}; {len(violation['nodes'])} element(s), "
                         f"e.g. {excerpt(targets, 150)}")
    return found


async def look_at(context, result: PageResult, url: str, shots: Path, *, lab: bool,
                  run: bool, sources: dict[int, str], dashboards: int, axe: bool,
                  cells: int = 1, tells: list[dict] | None = None,
                  quiz_numbers: list[list[str]] | None = None) -> None:
    """Open one page, wait until it is what a learner sees, read it, screenshot it."""
    started = time.monotonic()
    page = await context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.set_default_timeout(60_000)
    result.screenshot = shots / (re.sub(r"[^\w.-]+", "_", result.name) + ".png")
    try:
        await page.goto(url)
        if lab:
            await page.wait_for_function(
                f"() => document.querySelectorAll('.jp-Notebook .jp-Cell').length >= {cells}",
                timeout=60_000, polling=250)
            if run:              # an exercise notebook is only read: no need to wait for its kernel
                await page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
                await page.wait_for_timeout(1000)
                before = await page.evaluate(READ_CELLS, False)
                result.problems += [f"before Run All, {p}" for c in before
                                    for p in cell_problems(c, None) if "raw widget text" in p]
                await full_length_screenshot(page, result.screenshot.with_suffix(".opened.png"))
                await page.locator(".lm-MenuBar-itemLabel",
                                   has_text=re.compile("^Run$")).click()
                await page.locator(".lm-Menu-itemLabel",
                                   has_text=re.compile("^Run All Cells$")).click()
                await page.wait_for_function(ALL_CODE_RUN, timeout=RUN_TIMEOUT_MS,
                                             polling=500)
                await page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(
                    timeout=RUN_TIMEOUT_MS)
        else:
            await page.wait_for_function(VOILA_DONE, timeout=RUN_TIMEOUT_MS, polling=500)
        if dashboards:
            await page.wait_for_function(
                f"() => document.querySelectorAll('.ek-readout').length >= {dashboards}",
                timeout=60_000, polling=500)
        await page.wait_for_timeout(1500)        # maths typeset, last images painted
        cells = await page.evaluate(READ_CELLS, not lab)
        overflow = await page.evaluate(READ_OVERFLOW)
        result.problems += page_problems(cells, sources, requests, overflow)
        result.heights = [{"page": result.name, "cell": c["number"], **d}
                          for c in cells for d in c["dashboards"]]
        if axe:
            result.problems += await axe_problems(page)
        if tells is not None:
            result.problems += await around_predictions(page, tells)
        if not lab:
            result.problems += await app_text_problems(page, quiz_numbers or [])
        await full_length_screenshot(page, result.screenshot)
    except Exception as exc:          # a page that never got ready is a problem of that page
        result.problems.append(f"the page did not get ready: {type(exc).__name__}: "
                               f"{excerpt(str(exc), 300)}")
        with contextlib.suppress(Exception):
            await page.screenshot(path=str(result.screenshot))
    finally:
        result.problems += [f"a request leaves the machine: {url}"
                            for url in dict.fromkeys(u for u in requests if foreign(u))
                            if f"a request leaves the machine: {url}" not in result.problems]
        await page.close()
        result.seconds = time.monotonic() - started


# ----- the whole sweep ------------------------------------------------------------------------
def lab_pages() -> list[str]:
    """Paths, under the served folder, of every lesson and exercise notebook."""
    return [f"{folder}/{p.name}" for folder in ("notebooks", "exercises")
            for p in sorted((bs.REPO / folder).glob("*.ipynb"))]


def app_pages() -> list[str]:
    """The app's front page and every lesson, as Voila addresses them."""
    lessons = sorted((bs.REPO / "notebooks").glob("*.ipynb"))
    return [""] + [f"voila/render/{p.name}" for p in lessons]


def page_name(kind: str, path: str) -> str:
    return f"{kind} {path or 'front page'}"


async def _sweep(root: Path, lab_base: str, token: str, app_base: str, app_dir: Path,
                 pages: dict[str, PageResult]) -> None:
    from playwright.async_api import async_playwright

    shots = root / "screenshots"
    shots.mkdir(exist_ok=True)
    limit = asyncio.Semaphore(CONCURRENT_PAGES)
    # each lesson's predictions and what gives their answers away (the lesson's code, run here
    # once, before any page is opened)
    told = {p.stem: lesson_tells(p.stem) for p in sorted((bs.REPO / "notebooks").glob("*.ipynb"))}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(bs.CHROMIUM),
                                                   args=bs.CHROMIUM_ARGS, headless=True)
        lab = await browser.new_context(viewport=VIEWPORT)
        app = await browser.new_context(viewport=VIEWPORT)

        async def lab_page(n: int, path: str) -> None:
            lesson = path.startswith("notebooks/")
            tells = told.get(Path(path).stem) if lesson else None
            async with limit:
                notebook = bs.REPO / path
                url = f"{lab_base}/lab/workspaces/sweep{n}/tree/{path}?token={token}&reset"
                await look_at(lab, pages[page_name("lab", path)], url, shots, lab=True,
                              run=lesson, sources=markdown_sources(notebook),
                              dashboards=dashboards_stored(notebook) if lesson else 0,
                              # JupyterLab's own chrome fails axe (jp-button ARIA, editors
                              # with no name, role=feed): the lessons' own content is checked,
                              # scoped, in tests/browser/test_accessibility_in_lab.py
                              axe=False,
                              cells=len(json.loads(notebook.read_text())["cells"]),
                              tells=tells)
                await asyncio.to_thread(shut_kernels_of, lab_base, token, path)

        async def app_page(path: str) -> None:
            stem = Path(path).stem
            tells = told.get(stem) if path else None
            numbers = quiz_numbers_of(stem) if path else None
            async with limit:
                served = app_dir / Path(path).name
                lesson = bs.REPO / "notebooks" / Path(path).name
                await look_at(app, pages[page_name("app", path)], f"{app_base}/{path}", shots,
                              lab=False, run=False,
                              sources=markdown_sources(served) if path and served.exists()
                              else {},
                              dashboards=dashboards_stored(lesson) if path else 0,
                              axe=bool(path) and stem[:2] in AXE_PAGES, tells=tells,
                              quiz_numbers=numbers)

        jobs = [lab_page(n, path) for n, path in enumerate(lab_pages())]
        jobs += [app_page(path) for path in app_pages()]
        await asyncio.gather(*jobs)
        await browser.close()


def run_sweep(root: Path) -> Sweep:
    """Start both servers, look at every page, stop everything; the heights go to a JSON file."""
    started = time.monotonic()
    pages = {page_name("lab", p): PageResult(page_name("lab", p)) for p in lab_pages()}
    pages.update({page_name("app", p): PageResult(page_name("app", p)) for p in app_pages()})
    with lab_server(root) as (lab_base, token), app_server(root) as (app_base, app_dir):
        asyncio.run(_sweep(root, lab_base, token, app_base, app_dir, pages))
    heights = [h for page in pages.values() for h in page.heights]
    heights_file = root / "dashboard_heights.json"
    heights_file.write_text(json.dumps(heights, indent=1))
    (root / "problems.json").write_text(json.dumps(
        {name: {"problems": page.problems, "screenshot": str(page.screenshot),
                "seconds": round(page.seconds, 1)} for name, page in pages.items()}, indent=1))
    return Sweep(pages, time.monotonic() - started, heights_file)


# ----- what sits around a prediction (a prediction owns its answer) ---------------------------
# The page's text in reading order, each piece with its place relative to each prediction:
# before it (above its top), or below it within one screen of its top. Read with the window
# made as tall as the page (JupyterLab draws only the cells in view), so places are in pixels
# from the page's top; code cells' inputs count (in JupyterLab the source is on screen).
AROUND_PREDICTIONS = r"""
(screen) => {
  const predictions = [...document.querySelectorAll('.ek-prediction, .ek-prediction-still')]
    .filter((p) => !p.parentElement.closest('.ek-prediction, .ek-prediction-still'));
  const boxes = predictions.map((p) => p.getBoundingClientRect());
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const pieces = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const parent = node.parentElement;
    if (!text || !parent || parent.closest('script, style, head, .jp-OutputPrompt, .jp-InputPrompt'))
      continue;
    if (getComputedStyle(parent).visibility === 'hidden') continue;   // held back, room kept
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = range.getBoundingClientRect();
    if (!rect.width && !rect.height) continue;
    const owner = predictions.findIndex((p) => p.contains(node));
    pieces.push({text, top: rect.top, bottom: rect.bottom, owner});
  }
  return boxes.map((box, i) => ({
    before: pieces.filter((p) => p.bottom <= box.top + 1 && p.owner !== i)
                  .map((p) => p.text).join(' '),
    below: pieces.filter((p) => p.top >= box.bottom - 1 && p.top < box.top + screen &&
                                p.owner !== i).map((p) => p.text).join(' '),
  }));
}
"""


def squeezed(text: str) -> str:
    """Text compared as a reader sees it: one space between words, none before a colon, case
    set aside."""
    return re.sub(r"\s+:", ":", " ".join(str(text).split())).lower()


def answer_shown(tells: list[str], text: str) -> list[str]:
    """The tells of a prediction that ``text`` shows."""
    shown = squeezed(text)
    return [tell for tell in tells if squeezed(tell) and squeezed(tell) in shown]


def lesson_tells(stem: str) -> list[dict]:
    """Each prediction of a lesson, in its order: its tells (what states its answer) and the
    numbers it asks about (``given``)."""
    import sys

    import matplotlib
    matplotlib.use("Agg")
    if str(bs.REPO / "lessons") not in sys.path:
        sys.path.insert(0, str(bs.REPO / "lessons"))
    from exposure_kit.widgets import Prediction

    import build

    cells = [source for kind, source in build.cells_for(stem) if kind == "code"]
    marked = [i for i, source in enumerate(cells) if "Prediction" in source]
    if not marked:
        return []
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):       # the lesson's own prints
        for source in cells[:marked[-1] + 1]:
            exec(compile(source, stem, "exec"), namespace)  # noqa: S102
        return [{"tells": p.tells(), "given": p.given} for p in namespace.values()
                if isinstance(p, Prediction)]


def prediction_problems(around: list[dict], predictions: list[dict]) -> list[str]:
    """A prediction whose answer is on the page before it, or below it on its screen; or
    whose question's numbers are not on the page above it."""
    from exposure_kit.exercises._quiz import states_numbers

    found = []
    if len(around) != len(predictions):
        return [f"{len(around)} prediction(s) on the page, {len(predictions)} in the lesson"]
    for number, (place, prediction) in enumerate(zip(around, predictions), 1):
        for where, label in (("before", "above it"), ("below", "below it on the same screen")):
            for tell in answer_shown(prediction["tells"], place[where]):
                found.append(f"prediction {number}: its answer is shown {label}: "
                             f"{excerpt(tell, 90)!r}")
        missing = states_numbers(place["before"], prediction.get("given", []))
        if missing:
            found.append(f"prediction {number}: the numbers it asks about are not on the page "
                         f"above it: {missing}")
    return found


# ----- code shown to someone who cannot type it (the app is complete without code) ------------
# Python in a page's visible text: a backtick, the package's name, a call, a keyword argument,
# a snake_case name, a CamelCase call, an assignment to answer. A code example shown on purpose
# sits in an element of class ek-code-example and is not read.
CODE_IN_TEXT = re.compile(r"`|\bek\.\w|\b\w+\(\)|\b[a-z]\w*=['\"\w]|\b[a-z]+_[a-z_]+\b"
                          r"|\b[A-Z][a-z]+[A-Z]\w*\(|\banswer\s*=|\bIn code\b")


def code_in(text: str) -> list[str]:
    """The bits of Python in a text meant for someone who cannot run code."""
    return [text[max(0, m.start() - 25):m.end() + 25].replace("\n", " ")
            for m in CODE_IN_TEXT.finditer(text)]


async def around_predictions(page, tells: list[dict]) -> list[str]:
    """Read what surrounds each prediction with the window as tall as the page (so that
    JupyterLab draws every cell), then put the window back."""
    extra = await page.evaluate(TALLEST_SCROLLER)
    await page.set_viewport_size({"width": VIEWPORT["width"],
                                  "height": min(VIEWPORT["height"] + extra + 40, 30_000)})
    await page.wait_for_timeout(400)
    await page.evaluate(TALLEST_SCROLLER)
    around = await page.evaluate(AROUND_PREDICTIONS, VIEWPORT["height"])
    await page.set_viewport_size(VIEWPORT)
    return prediction_problems(around, tells)


# The text a visitor of the app can read, per quiz card and for the whole page, with every
# hint and worked solution opened (pressed as a learner would); code examples left out.
OPEN_QUIZ = r"""
() => {
  for (const card of document.querySelectorAll('.ek-quiz-question')) {
    for (const button of card.querySelectorAll('button')) {
      const label = button.innerText.trim();
      if (label === 'Worked solution') button.click();
      if (label === 'Hint') for (let i = 0; i < 4; i++) button.click();
    }
  }
}
"""
READ_APP_TEXT = r"""
() => {
  const readable = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const parts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('script, style, .ek-code-example')) continue;
      if (!parent.getClientRects().length || getComputedStyle(parent).visibility === 'hidden')
        continue;
      parts.push(node.textContent);
    }
    return parts.join(' ');
  };
  return {page: readable(document.body),
          cards: [...document.querySelectorAll('.ek-quiz-question')].map(readable)};
}
"""


def quiz_numbers_of(stem: str) -> list[list[str]]:
    """The numbers each browser question of a lesson needs, in page order."""
    from exposure_kit.exercises import quiz
    from exposure_kit.exercises._quiz import data_numbers

    if stem.startswith("00"):
        return []
    return [data_numbers(card.question) for card in quiz(stem[:2]).cards]


async def app_text_problems(page, numbers: list[list[str]]) -> list[str]:
    """Code in the text of an app page (hints and worked solutions opened), and a quiz card
    that does not show the numbers its question needs."""
    from exposure_kit.exercises._quiz import states_numbers

    if numbers:           # the quiz is the page's last cell: its widgets come last
        await page.wait_for_function(
            f"() => document.querySelectorAll('.ek-quiz-question').length >= {len(numbers)}",
            timeout=60_000, polling=500)
    await page.evaluate(OPEN_QUIZ)
    await page.wait_for_timeout(2500)
    text = await page.evaluate(READ_APP_TEXT)
    found = [f"code shown to someone who cannot type it: {excerpt(bit, 80)!r}"
             for bit in dict.fromkeys(code_in(text["page"]))]
    if numbers and len(text["cards"]) != len(numbers):
        found.append(f"{len(text['cards'])} quiz card(s) on the page, {len(numbers)} expected")
    for number, (card, needed) in enumerate(zip(text["cards"], numbers), 1):
        missing = states_numbers(card, needed)
        if missing:
            found.append(f"quiz card {number} does not show its data: {missing}")
    return found
