"""What a fresh machine installs: the lock, the conda file that follows it, the parts of the
package (a desk's core needs no Jupyter), and a wheel that works outside the checkout."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import json
import re
import subprocess
import sys
import sysconfig
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import browser_support as bs

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements-lock.txt"
sys.path.insert(0, str(ROOT / "tools"))
from environment_from_lock import environment_yml, locked_requirements  # noqa: E402

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def locked_versions() -> dict[str, str]:
    """name -> version for the lock's pins that apply to this interpreter."""
    pins = {}
    for line in locked_requirements(LOCK.read_text()):
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            pins[canonicalize_name(requirement.name)] = str(requirement.specifier).removeprefix("==")
    return pins


def declared(part: str) -> list[Requirement]:
    """The requirements of a part (``core`` or an extra), without the project's own extras."""
    listed = PROJECT["dependencies"] if part == "core" else PROJECT["optional-dependencies"][part]
    return [Requirement(r) for r in listed if not r.startswith("exposure-kit")]


# ----- the lock and the conda file ---------------------------------------------------------------

def test_environment_yml_installs_the_locked_versions():
    assert (ROOT / "environment.yml").read_text() == environment_yml(LOCK.read_text())


def test_a_drifted_environment_is_caught():
    text = (ROOT / "environment.yml").read_text()
    pin = re.search(r'"(pandas==[^"]+)"', text).group(1)
    drifted = text.replace(pin, "pandas==2.0.0")
    assert drifted != text and drifted != environment_yml(LOCK.read_text())


@pytest.mark.parametrize("part", ["core", *PROJECT["optional-dependencies"]])
def test_the_lock_pins_every_declared_requirement(part):
    pins = locked_versions()
    for requirement in declared(part):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} ({part}) is not in {LOCK.name}: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])


def test_every_locked_pin_carries_hashes():
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text().strip())
    assert len(entries) == len(locked_requirements(LOCK.read_text())) > 50
    assert all("--hash=sha256:" in entry for entry in entries)


def test_make_builds_the_venv_from_the_lock():
    shown = subprocess.run(["make", "-n", "-B", "--no-print-directory", ".venv/.installed"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "--require-hashes -r requirements-lock.txt" in shown
    assert "--no-deps --no-build-isolation -e ." in shown and "--upgrade" not in shown


# ----- the parts: each module imports only what its part declares --------------------------------

PARTS = {"core": ["core"], "lessons": ["core", "lessons"], "app": ["core", "lessons", "app"],
         "hub": ["core", "lessons", "app", "hub"]}
# IPython is imported inside the functions that only run in a notebook (plots' PNG display).
IN_NOTEBOOK_ONLY = {"IPython"}


def part_of(module: Path) -> str:
    relative = module.relative_to(ROOT / "exposure_kit").as_posix()
    if relative == "_app/_hub.py":       # the single-user server JupyterHub starts (make hub)
        return "hub"
    if relative.startswith("_app/") or relative == "app_server.py":
        return "app"
    if relative.startswith(("widgets/", "exercises/")):
        return "lessons"
    return "core"


def imported_top_names(module: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"exposure_kit", "__future__"}


@pytest.mark.slow               # a fresh interpreter for each module
@pytest.mark.parametrize("module", sorted((ROOT / "exposure_kit").rglob("*.py")),
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_each_module_imports_only_what_its_part_declares(module):
    distributions = metadata.packages_distributions()
    allowed = {canonicalize_name(r.name) for part in PARTS[part_of(module)] for r in declared(part)}
    for name in imported_top_names(module):
        if part_of(module) == "core" and name in IN_NOTEBOOK_ONLY:
            continue
        providers = {canonicalize_name(d) for d in distributions.get(name, [name])}
        assert providers & allowed, f"{module.name} imports {name}, not declared in its part"


# ----- the wheel, installed outside the checkout --------------------------------------------------

JUPYTER = ["ipywidgets", "IPython", "ipykernel", "jupyter_server", "jupyter_client", "jupyter_core",
           "jupyterlab", "voila", "nbformat", "nbclient", "nbconvert", "jupytext", "mistune",
           "tornado", "traitlets"]
# Run with the Jupyter packages made unimportable: what a desk with the core install has.
WITHOUT_JUPYTER = f"""
import sys
class NoJupyter:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {JUPYTER!r}:
            raise ImportError("not installed in the core: " + name)
sys.meta_path.insert(0, NoJupyter())
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A new virtual environment holding the built wheel and, through a path file, the locked
    dependencies of this one (no download), with a working folder outside the checkout."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(root / "dist"), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next((root / "dist").glob("exposure_kit-*.whl"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "locked_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True)
    work = root / "work"
    work.mkdir()
    return {"wheel": wheel, "venv": venv, "python": python, "work": work, "root": root}


def run_installed(installed, code: str, *, core_only: bool = False) -> str:
    prefix = WITHOUT_JUPYTER if core_only else ""
    done = subprocess.run([str(installed["python"]), "-c", prefix + code], cwd=installed["work"],
                          capture_output=True, text=True, env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"},
                          timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_wheel_holds_every_file_the_package_reads(installed):
    tracked = subprocess.run(["git", "ls-files", "exposure_kit"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    needed = {p for p in tracked if not p.endswith(".py")}
    assert {"exposure_kit/_app/templates/index.html.j2", "exposure_kit/templates/report.html.j2",
            "exposure_kit/data/desk_book.csv"} <= needed
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        assert needed <= set(wheel.namelist()), needed - set(wheel.namelist())


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    where = run_installed(installed, "import exposure_kit; print(exposure_kit.__file__)")
    module = Path(where.strip())
    assert module.is_relative_to(installed["venv"]) and not module.is_relative_to(ROOT), module


def test_a_desk_reports_with_the_core_alone(installed):
    """The CLI and ek.report with every Jupyter package unimportable: the guide's first example,
    $150,000 long BTC and $100,000 short ETH, is $50,000 net and $250,000 gross."""
    out = run_installed(installed, """
import json, runpy, sys
import exposure_kit as ek
path = ek.sample_path("guide_example_1")
sys.argv = ["exposure-kit", "report", str(path), "--format", "json"]
try:
    runpy.run_module("exposure_kit.cli", run_name="__main__")
except SystemExit as stop:
    assert stop.code in (0, None), stop.code
page = ek.report(ek.read_positions(path), equity=50_000)
page.save("page.html")
""", core_only=True)
    summary = json.loads(out)["summary"]
    assert (summary["net"], summary["gross"]) == (50_000.0, 250_000.0)
    page = (installed["work"] / "page.html").read_text()
    assert "<html" in page and "$50,000" in page


def test_the_command_line_tool_is_installed(installed):
    command = installed["venv"] / "bin" / "exposure-kit"
    sample = run_installed(installed, "import exposure_kit as ek; print(ek.sample_path('desk_book'))")
    done = subprocess.run([str(command), "report", sample.strip(), "--format", "html", "-o",
                           "desk.html"], cwd=installed["work"], capture_output=True, text=True,
                          env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"}, timeout=240)
    assert done.returncode == 0, done.stderr
    assert "<html" in (installed["work"] / "desk.html").read_text()


def test_exercises_check_and_their_notebooks_build_when_installed(installed):
    # exercise 01, question 1: $220,000 long less $180,000 short is $40,000 net
    out = run_installed(installed, """
from exposure_kit.exercises import lesson01 as ex
print(ex.q1.check(40_000).status, ex.q1.check(400_000).status)
import runpy, sys
sys.argv = ["build"]
runpy.run_module("exposure_kit.exercises.build", run_name="__main__")
""")
    assert out.splitlines()[0] == "correct incorrect"
    built = sorted(p.name for p in (installed["work"] / "exercises").glob("*.ipynb"))
    assert built == sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb"))


def test_the_classroom_front_page_is_served_from_the_wheel(installed):
    lessons = installed["root"] / "app"
    lessons.mkdir()
    (lessons / "01_net_vs_gross.ipynb").write_bytes(
        (ROOT / "notebooks" / "01_net_vs_gross.ipynb").read_bytes())
    port = bs.free_port()
    env = bs.isolated_env(installed["root"])
    env["PATH"] = f"{installed['venv'] / 'bin'}:/usr/bin:/bin"
    # Voila's page templates are data files of the environment that holds the dependencies
    env["JUPYTER_PATH"] = str(Path(sysconfig.get_paths()["data"], "share", "jupyter"))
    command = [str(installed["python"]), "-m", "exposure_kit.app_server", str(lessons),
               "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.port_retries=0"]
    with bs.server(command, installed["root"], port, env, installed["work"]):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as answer:
            page = answer.read().decode()
    assert answer.status == 200 and "Net versus gross" in page and "01_net_vs_gross" in page
