"""Shared fixtures: an isolated environment, a real journal in a temp git repo, and the
real `journal` command run as a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# In CI (`CI` set, as `.ci/run` does) a skip is a failure: CI installs chromium and
# Playwright and provides ../shared/examples/ and ../shared/corpus/, so a test that
# skips there would let the run pass without running it. The only skips CI accepts
# are these (a piece of the reason → why it may skip even in CI); docs/testing.md.
SKIPS_ALLOWED_IN_CI = {
    "mounting a tmpfs needs root": "CI may run unprivileged; the RLIMIT_FSIZE and "
    "patched-write tests cover the full disk",
    "cannot mount a tmpfs here": "a container may refuse mount even to root; the "
    "RLIMIT_FSIZE and patched-write tests cover the full disk",
}


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _skip_reason(longrepr: object) -> str:
    return longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)


def _refused_in_ci(report: pytest.TestReport | pytest.CollectReport) -> bool:
    """Turn a skip CI does not accept into a failure that says why."""
    if not (report.skipped and _in_ci()) or hasattr(report, "wasxfail"):
        return False
    reason = _skip_reason(report.longrepr)
    if any(text in reason for text in SKIPS_ALLOWED_IN_CI):
        return False
    report.outcome = "failed"
    report.longrepr = (
        f"skipped in CI, where it must run: {reason} (CI installs chromium and "
        "Playwright and provides ../shared/examples/ and ../shared/corpus/; "
        "see docs/testing.md)"
    )
    return True


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[None]:
    """In CI, a skip (`pytest.skip`, a `skipif` mark) is a failure unless allowed."""
    outcome = yield
    _refused_in_ci(outcome.get_result())  # type: ignore[attr-defined]


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    """The same for a whole module skipped while it is collected."""
    outcome = yield
    _refused_in_ci(outcome.get_result())  # type: ignore[attr-defined]


# The modules whose tests take longest, longest first: collected first, so xdist
# (`--dist loadgroup` hands out tests in collection order, groups of many tests
# first) starts them at once instead of leaving one to finish alone at the end.
# The order of tests inside a module, and of the other modules, is kept.
SLOWEST_FIRST = (
    "test_reliability_concurrency.py",
    "test_yamlnew.py",  # 3,000 hypothesis examples of nested documents: ~35 s
    "test_bench.py",
    "test_related_map.py",
    "test_reliability_crash.py",
    "test_reliability_text.py",
    "test_importer_fixtures.py",
    "test_merge_property.py",
    "test_fast_parity.py",  # four tests of ~46 vectors each
    "test_render_property.py",
    "test_fuzz_commands.py",
    "test_docs.py",
    "test_ci_skips.py",
    "test_cli_backfill.py",
)


# Temporary folders on a tmpfs when the system has one with room to spare. Every test
# makes and removes journals and git repositories in its tmp_path; on this project's
# 2-core Linux machine (ext4, mounted with `discard`) a folder made and removed costs
# ~1.5 ms, on tmpfs ~0.05 ms: the file system was a third of the CPU of a
# copy-a-journal test. A TMPDIR (or pytest's --basetemp, or PYTEST_DEBUG_TEMPROOT)
# someone set is kept; no /dev/shm, or a small one (a container's 64 MB), changes
# nothing. Subprocesses (git, `python -m journal`) inherit TMPDIR too.
TMPFS = Path("/dev/shm")
TMPFS_ROOM = 4 * 2**30


def _tmpfs_with_room() -> Path | None:
    if sys.platform != "linux":
        return None
    if any(os.environ.get(n) for n in ("TMPDIR", "PYTEST_DEBUG_TEMPROOT")):
        return None
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8")
        room = os.statvfs(TMPFS)
    except OSError:
        return None
    mounted = any(
        line.split()[1:3] == [str(TMPFS), "tmpfs"] for line in mounts.splitlines()
    )
    if not mounted or room.f_bavail * room.f_frsize < TMPFS_ROOM:
        return None
    return TMPFS if os.access(TMPFS, os.W_OK | os.X_OK) else None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Before pytest (or xdist, for its workers) picks the base temporary folder."""
    if config.option.basetemp is None:
        found = _tmpfs_with_room()
        if found is not None:
            os.environ["TMPDIR"] = str(found)
            tempfile.tempdir = None  # gettempdir() reads TMPDIR again
    _refuse_a_journal_above(Path(config.option.basetemp or tempfile.gettempdir()))
    _cache_bytecode()


def _refuse_a_journal_above(temp: Path) -> None:
    """A journal is found as git finds a repository, by walking up from the working
    folder: a `journal.yaml` left above the tests' temporary folder (a stray `journal
    init` in /tmp) is found by every test that expects none, and fails far from its
    cause (a parity test's "4 written" against "4 unchanged")."""
    for folder in (temp.resolve(), *temp.resolve().parents):
        if (folder / "journal.yaml").is_file():
            raise pytest.UsageError(
                f"{folder / 'journal.yaml'}: a journal above the tests' temporary "
                f"folder {temp}; move it away, or give --basetemp outside it"
            )


# Bytecode cached for the processes the tests start, where the environment says not to
# write it (PYTHONDONTWRITEBYTECODE, as many containers set): there every `python -m
# journal`, hook, worker and xdist worker compiled the package's modules from source
# again (an editable install has no compiled files of its own), ~0.03 s of each short
# command's ~0.04-0.14 s of CPU, over a thousand commands a run. As bench/synth.py
# does, the cache lives in a folder of its own (PYTHONPYCACHEPREFIX), never beside the
# sources; made private by the process that configures first, removed when it ends.
_PYCACHE: list[str] = []


def _cache_bytecode() -> None:
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return  # bytecode is written as usual (or a worker: set up by its parent)
    if os.environ.get("PYTHONPYCACHEPREFIX"):
        return  # someone chose where it goes: leave it
    folder = tempfile.mkdtemp(prefix="journal-tests-pycache-")
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    os.environ["PYTHONPYCACHEPREFIX"] = folder
    _PYCACHE.append(folder)


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _PYCACHE:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: number for number, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def _own_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new folder for one test's HOME and TMPDIR. Not `mktemp`: pytest numbers its
    folders by listing every folder of the base it made so far, two more for each
    test, so over a worker's ~1,200 tests that listing cost grew with the square of
    the count; these sit in a folder of their own, where `mkdtemp` costs the same
    for the last test as for the first (and the base pytest lists stays small)."""
    base = tmp_path_factory.getbasetemp() / "env"
    base.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="t", dir=base))


_TEMPLATE_CACHE: list[Path] = []
"""This test process's folder of compiled report templates (`shared_template_cache`)."""


def shared_template_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commands a test runs in this process share one cache of compiled report
    templates (`journal/render/report.py`), as a user's commands share theirs: with
    each test's TMPDIR its own (below), Jinja's default cache folder was new for every
    test, and every in-process render compiled all the templates again (~5 ms each,
    a quarter of the CPU of the tests that render). Jinja still recompiles a template
    whose source changed. Subprocesses keep the test's own TMPDIR, cache included."""
    from journal.render import report

    if not _TEMPLATE_CACHE:
        folder = tmp_path_factory.getbasetemp() / "jinja-cache"
        folder.mkdir(mode=0o700, exist_ok=True)
        _TEMPLATE_CACHE.append(folder)
    forgiving = report._forgiving_cache()
    monkeypatch.setattr(
        report, "bytecode_cache", lambda: forgiving(str(_TEMPLATE_CACHE[0]))
    )


def seed_template_cache(temp: Path) -> None:
    """The processes a test starts (their TMPDIR is `temp`) find the templates this
    test process compiled so far in Jinja's default cache folder there, as a user's
    next command finds them: a cold compile was ~0.04 s of a ~0.1 s `journal render`.
    Hard links, not copies: Jinja writes a new file and renames it over the old one,
    never into a file it loaded."""
    if os.name == "nt" or not _TEMPLATE_CACHE:
        return
    compiled = list(_TEMPLATE_CACHE[0].iterdir())
    if not compiled:
        return
    # Jinja uses the folder only when it is the user's own, private, and no link.
    folder = temp / f"_jinja2-cache-{os.getuid()}"
    folder.mkdir(mode=0o700)
    for path in compiled:
        (folder / path.name).hardlink_to(path)


@pytest.fixture(autouse=True)
def isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test sees the developer's git config, editor, active session or timezone."""
    own = _own_folder(tmp_path_factory)
    home = own / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test Responder\n\temail = responder@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "JOURNAL_SESSION",
        "JOURNAL_DIR",
        "JOURNAL_NOW",
        "EDITOR",
        "VISUAL",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("NO_COLOR", "1")
    # Temporary files (the copy `journal edit` keeps of a rejected edit, for one)
    # land in the test's own folder, removed with it, never in the machine's /tmp.
    temp = own / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    shared_template_cache(tmp_path_factory, monkeypatch)
    seed_template_cache(temp)
    # The `journal` a hook finds on PATH is the one under test, as in the activated
    # environment the README's test command runs in (`.venv/bin/python -m pytest`
    # alone would leave another one, or none, on PATH).
    scripts = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}")


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd`; fail the test on error."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)} failed: {done.stderr}"
    return done.stdout.strip()


_IN_PROCESS = [True]
"""Whether `run_journal` runs the command inside the test process (the test's
module or class is not marked `subprocess`); set for each test."""


@pytest.fixture(autouse=True)
def _journal_runner(request: pytest.FixtureRequest) -> None:
    """The process boundary only where it is what a test tests: crashes, concurrency,
    hooks, start-up and the fast paths are marked `subprocess` (docs/testing.md).
    `JOURNAL_TESTS_SUBPROCESS=1` runs every test's commands in subprocesses."""
    marked = request.node.get_closest_marker("subprocess") is not None
    _IN_PROCESS[0] = not (marked or os.environ.get("JOURNAL_TESTS_SUBPROCESS"))


def run_journal(
    *args: str,
    cwd: Path,
    input: str | None = None,
    env: dict[str, str] | None = None,
    process: bool | None = None,
) -> Result:
    """The real command line, exactly as a user runs it: in a subprocess with
    `process=True` or in a test marked `subprocess`; otherwise inside this process
    (`tests/inprocess.py`), with the same exit code, output and files."""
    if not (process if process is not None else not _IN_PROCESS[0]):
        from tests.inprocess import run_in_process

        return run_in_process(args, cwd=cwd, input=input, env=env)
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "journal", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def run_setup(*args: str, cwd: Path) -> Result:
    """A command that prepares a test's journal, in the test process even in a test
    marked `subprocess` (the boundary such a test tests is in the commands it runs
    afterwards, not in its setup); in a process with `JOURNAL_TESTS_SUBPROCESS=1`."""
    return run_journal(
        *args, cwd=cwd, process=bool(os.environ.get("JOURNAL_TESTS_SUBPROCESS"))
    )


_FRESH: list[Path] = []
"""The fresh journal this test process made once, that `journal_root` copies."""


@pytest.fixture
def journal_root(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh journal (`journal init`) at the top of a new git repository: `git
    init` and `journal init` run once per test process, and each test gets a copy
    of what they made (a new repository holds no path of its own), for the price
    of a copy."""
    if not _FRESH:
        fresh = tmp_path_factory.mktemp("fresh-journal") / "repo"
        fresh.mkdir()
        git(fresh, "init", "-q")
        result = run_journal("init", cwd=fresh, process=True)
        assert result.code == 0, result.err
        _FRESH.append(fresh)
    root = tmp_path / "repo"
    shutil.copytree(_FRESH[0], root, symlinks=True)
    return root


class Cli:
    """`cli("log", "text")` runs the journal command in the test journal."""

    def __init__(self, root: Path):
        self.root = root

    def __call__(
        self,
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Result:
        return run_journal(*args, cwd=cwd or self.root, input=input, env=env)

    def ok(self, *args: str, **kwargs: object) -> Result:
        """Run and assert success."""
        result = self(*args, **kwargs)  # type: ignore[arg-type]
        assert result.code == 0, (
            f"journal {' '.join(args)} failed ({result.code}): {result.err}"
        )
        return result


@pytest.fixture
def cli(journal_root: Path) -> Cli:
    return Cli(journal_root)


@pytest.fixture
def session_id(cli: Cli) -> str:
    """An active session started at 2025-11-04T01:00Z. Made inside the test process
    even for a test marked `subprocess`: making it is the test's setup, not the
    process boundary the test is about (a `journal new` process is ~0.3 s of CPU,
    and ~100 such tests start one); `JOURNAL_TESTS_SUBPROCESS=1` still makes it in
    a process of its own."""
    made = run_setup(
        "new",
        "SQLAlchemy mapper error",
        "--severity",
        "critical",
        "--at",
        "2025-11-04T01:00:00+00:00",
        "--number",
        "8",
        cwd=cli.root,
    )
    assert made.code == 0, f"journal new failed ({made.code}): {made.err}"
    return "2025-11-04-sqlalchemy-mapper-error"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its bytes, to assert nothing changed; the per-user
    state folders (.git, and .journal outside git: caches, the active pointer) aside."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if ".git" in parts or ".journal" in parts[:1] or not path.is_file():
            continue
        files[str(path.relative_to(root))] = path.read_bytes()
    return files


@pytest.fixture
def unchanged(journal_root: Path) -> Iterator[None]:
    """Assert the test leaves every file of the journal as it found it."""
    before = snapshot(journal_root)
    yield
    assert snapshot(journal_root) == before
