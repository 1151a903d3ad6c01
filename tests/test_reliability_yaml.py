"""YAML safety: only safe loading anywhere, alias bombs refused fast, size capped.

Every place journal reads YAML is fed each hostile document: `session.yaml` (read
and edited), `journal.yaml`, a hand-written timeline line, a value typed to `set`
and the front matter of an imported report. None may construct an object from a
tag, none may expand an alias bomb, and each must answer within seconds.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from journal.errors import JournalError
from tests.conftest import REPO, Cli, snapshot

SID = "2025-11-04-sqlalchemy-mapper-error"
CONSTRUCTED: list[str] = []


class Canary:
    """A class a `!!python/object` tag could name: constructing it is recorded."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Canary:
        CONSTRUCTED.append(cls.__name__)
        return super().__new__(cls)

    def __setstate__(self, state: Any) -> None:
        CONSTRUCTED.append("setstate")


def canary_tags(marker: Path) -> list[str]:
    """YAML values that build objects or run commands under an unsafe loader."""
    return [
        f"!!python/object/apply:os.system ['touch {marker}']",
        f"!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
        f"!!python/object/apply:subprocess.check_output [['touch', '{marker}']]",
        "!!python/name:os.system",
        "!!python/module:os",
        f"!!python/object:{__name__}.Canary {{x: 1}}",
        f"!!python/object/new:{__name__}.Canary []",
    ]


def bomb(levels: int = 9, width: int = 9) -> str:
    """The billion laughs: `levels` lists of `width` aliases to the previous one."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def flow_bomb(levels: int = 9, width: int = 9) -> str:
    """The same bomb as one flow value, to fit wherever a value goes."""
    items = ["&a0 [" + ", ".join(["lol"] * width) + "]"]
    for n in range(1, levels):
        items.append(f"&a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]")
    return "[" + ", ".join(items) + "]"


@pytest.fixture
def hang_guard() -> Iterator[None]:
    """Fail (rather than hang CI) if a refusal takes more than 10 s."""

    def _timeout(*_: Any) -> None:
        raise TimeoutError("YAML loading hung")

    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _session_path(root: Path) -> Path:
    return root / "sessions" / SID / "session.yaml"


# Each entry point: put `value` (a YAML value) where it would be read, then read it.
def _via_session_load(root: Path, value: str) -> None:
    from journal.store.sessions import Journal

    _session_path(root).write_text(
        f"title: x\nstatus: open\nsummary: {value}\n", encoding="utf-8"
    )
    Journal.open(root).load(SID)


def _via_session_edit(root: Path, value: str) -> None:
    from journal.store.sessions import Journal

    _session_path(root).write_text(
        f"title: x\nstatus: open\nsummary: {value}\n", encoding="utf-8"
    )
    with Journal.open(root).edit(SID) as doc:
        doc["methodology"] = "edited"


def _via_config(root: Path, value: str) -> None:
    from journal.store.config import load_config

    (root / "journal.yaml").write_text(f"reports_dir: {value}\n", encoding="utf-8")
    load_config(root)


def _via_timeline_line(root: Path, value: str) -> None:
    from journal.store.sessions import Journal

    (root / "sessions" / SID / "timeline.yaml").write_text(
        # The space before `}`: glued to it, the brace would be read as part of a tag
        # such as `!!python/module:os` and the line refused as a typo instead.
        f'- {{at: "2025-11-04T01:00:00+00:00", kind: note, text: {value} }}\n',
        encoding="utf-8",
    )
    Journal.open(root).events(SID)


def _via_set(root: Path, value: str) -> None:
    from journal.operations.session_edits import set_field
    from journal.store.sessions import Journal

    set_field(Journal.open(root), SID, "tags", value)


def _via_import_front_matter(root: Path, value: str) -> None:
    from journal.operations.import_reports import import_reports
    from journal.store.sessions import Journal

    report = root.parent / "report.md"
    report.write_text(
        f"---\ntitle: Imported\ntags: {value}\n---\n# Session 9: Imported\n\n"
        "**Date:** 2025-11-05\n\n## Summary\n\nx\n",
        encoding="utf-8",
    )
    (outcome,) = import_reports(Journal.open(root), [report], dry_run=True)
    assert outcome.error is None, outcome.error
    assert any("front matter is not YAML" in w for w in outcome.warnings)


ENTRY_POINTS: dict[str, Callable[[Path, str], None]] = {
    "session.yaml (read)": _via_session_load,
    "session.yaml (edit)": _via_session_edit,
    "journal.yaml": _via_config,
    "a hand-written timeline line": _via_timeline_line,
    "a value given to set": _via_set,
    "front matter of an imported report": _via_import_front_matter,
}


# Where the value was put (file:line[:column], or the edited file), then that YAML
# refused the tag, naming it.
_REFUSED_TAG = (
    r"^<root>/sessions/[^:]+:\d+(:\d+)?: .*could not determine a constructor for "
    r"the tag 'tag:yaml\.org,2002:python/[^']+'.* — fix .*$"
    r"|^<root>/journal\.yaml:1:\d+: invalid YAML: could not determine a constructor "
    r"for the tag 'tag:yaml\.org,2002:python/[^']+' — fix the YAML at that position$"
)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("index", range(len(canary_tags(Path("x")))))
def test_no_tag_ever_constructs_an_object(
    journal_root: Path, session_id: str, entry: str, index: int, hang_guard: None
) -> None:
    marker = journal_root.parent / "PWNED"
    value = canary_tags(marker)[index]
    CONSTRUCTED.clear()
    try:
        ENTRY_POINTS[entry](journal_root, value)
    except JournalError as exc:
        line = exc.one_line()
        assert "\n" not in line
        # The temp path names the test ("…no_tag_ever…"): judge the words alone.
        words = line.replace(str(journal_root), "<root>")
        assert str(journal_root.parent) not in words, words
        assert re.search(_REFUSED_TAG, words), words
    else:
        # Only the importer keeps a front matter it cannot read (as text, with a
        # warning): then the value must have stayed text.
        assert entry == "front matter of an imported report"
    assert not marker.exists()
    assert CONSTRUCTED == []


def test_a_tag_in_session_yaml_is_one_line_through_the_cli(
    cli: Cli, session_id: str
) -> None:
    marker = cli.root.parent / "PWNED"
    _session_path(cli.root).write_text(
        f"title: x\nsummary: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    before = snapshot(cli.root)
    for args in (("render",), ("set", "summary", "y"), ("check",), ("list",)):
        result = cli(*args)
        assert "Traceback" not in result.err, args
        assert not marker.exists(), args
    result = cli("render")
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert "session.yaml:2:10" in result.err and "constructor" in result.err
    assert snapshot(cli.root) == before


def test_a_tag_typed_to_set_is_refused_and_the_file_kept(
    cli: Cli, session_id: str
) -> None:
    marker = cli.root.parent / "PWNED"
    before = snapshot(cli.root)
    result = cli("set", "tags", f"!!python/object/apply:os.system ['touch {marker}']")
    assert result.code != 0 and result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert not marker.exists()
    assert snapshot(cli.root) == before


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_alias_bombs_are_refused_quickly(
    journal_root: Path, session_id: str, entry: str, hang_guard: None
) -> None:
    started = time.perf_counter()
    try:
        ENTRY_POINTS[entry](journal_root, flow_bomb())
    except JournalError as exc:
        assert "anchors/aliases" in exc.message
    else:
        # The importer keeps front matter it refuses as text, and says so.
        assert entry == "front matter of an imported report"
    assert time.perf_counter() - started < 2.0


def test_an_alias_bomb_in_an_imported_report_imports_the_rest_quickly(
    cli: Cli, tmp_path: Path
) -> None:
    report = tmp_path / "bomb.md"
    report.write_text(
        "---\ntitle: Bomb\n" + bomb() + "tags: [*a8, *a8]\n---\n"
        "# Session 5: Alias bomb\n\n**Date:** 2025-01-02\n\n## Summary\n\nStill here.\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    result = cli("import", str(report))
    assert time.perf_counter() - started < 10
    assert result.code == 0, result.err
    assert "front matter is not YAML (uses YAML anchors/aliases" in result.err
    (folder,) = (cli.root / "sessions").iterdir()
    assert "Still here." in (folder / "session.yaml").read_text()


def _edit(root: Path) -> None:
    from journal.store.sessions import Journal

    with Journal.open(root).edit(SID) as doc:
        doc["summary"] = "edited"


def test_files_over_8_mib_are_refused_before_parsing(
    journal_root: Path, session_id: str, hang_guard: None
) -> None:
    from journal.store.config import load_config
    from journal.store.sessions import Journal

    big = "title: x\nsummary: |\n" + ("  " + "z" * 1022 + "\n") * (8 * 1024 + 1)
    path = _session_path(journal_root)
    path.write_text(big, encoding="utf-8")
    assert path.stat().st_size > 8 * 1024 * 1024
    journal = Journal.open(journal_root)
    for attempt in (lambda: journal.load(SID), lambda: _edit(journal_root)):
        started = time.perf_counter()
        with pytest.raises(JournalError, match="over the 8192 KiB limit"):
            attempt()
        assert time.perf_counter() - started < 2.0
    (journal_root / "journal.yaml").write_text("# padding\n" * 900_000)
    with pytest.raises(JournalError, match="over the 8192 KiB limit"):
        load_config(journal_root)


def test_just_under_the_limit_still_loads(journal_root: Path, session_id: str) -> None:
    from journal.store.sessions import Journal

    item = "  - title: s\n    body: " + "z" * 161_000 + "\n"
    text = "title: x\nsections:\n" + item * 52
    _session_path(journal_root).write_text(text, encoding="utf-8")
    assert 8_300_000 < _session_path(journal_root).stat().st_size <= 8 * 1024 * 1024
    assert len(Journal.open(journal_root).load(SID).sections) == 52


# Loaders that construct arbitrary objects, in any of the spellings the libraries
# accept. The one strict loader lives in yamlio.py; nothing else may load YAML
# through anything but it or ruamel's round-trip/safe modes.
_UNSAFE = re.compile(
    r"unsafe_load|full_load|FullLoader|UnsafeLoader|Loader\s*=\s*yaml\.Loader"
    r"|typ\s*=\s*[\"']unsafe[\"']|yaml\.load_all\(|\byaml\.load\((?![^)]*_StrictLoader)"
)


def test_no_module_uses_an_unsafe_yaml_loader() -> None:
    offenders = []
    for path in sorted((REPO / "journal").rglob("*.py")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if _UNSAFE.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_scan_would_catch_an_unsafe_loader() -> None:
    for line in (
        "yaml.load(text, Loader=yaml.Loader)",
        "yaml.unsafe_load(text)",
        "YAML(typ='unsafe').load(text)",
        "yaml.load(text)",
    ):
        assert _UNSAFE.search(line), line
    assert not _UNSAFE.search("data = yaml.load(text, Loader=_StrictLoader)")


@pytest.mark.parametrize(
    "text",
    [
        "a: 0x1f\nb: 1_000\nc: 1:30\nd: .inf\ne: yes\nf: ~\ng: 2024-01-01\n"
        "h: 2024-01-01T00:00:00Z\ni: !!str 1\nj: '1'\nk: [on, off, 1.5e3]\n",
        "a: &x 1\nb: *x\n",
        "- 1\n- {a: b, c: [d, {e: f}]}\n",
        "",
        "x: 1.0\n1: 2\n~: null\n",
    ],
)
def test_the_plain_reading_is_the_strict_loaders(text: str) -> None:
    import yaml

    from journal.store.yamlio import _UNUSUAL, _plain_load, _StrictLoader

    plain = _plain_load(text)
    assert plain is not _UNUSUAL
    assert plain == yaml.load(text, Loader=_StrictLoader)
    assert repr(plain) == repr(yaml.load(text, Loader=_StrictLoader))


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2",
        "a: &x [1]\nb: *x",
        "<<: {a: 1}",
        "a: !!binary aGk=",
        "? [1]\n: 2",
        "1: a\ntrue: b",
        "a: [",
        "!!set {a, b}",
        "=: 1",
    ],
)
def test_anything_unusual_is_left_to_the_strict_loader(text: str) -> None:
    from journal.store.yamlio import _UNUSUAL, _plain_load

    assert _plain_load(text) is _UNUSUAL
