"""Item 2 of issue 26: every command that writes text × every kind of secret the
redactor knows. With redaction on (the default) the secret is in no file of the
journal and in no file or folder name; with `--no-redact` it is kept as given.

Run in the test process (`tests/inprocess.py`), each case on a fresh copy of one
journal made once; a few cases run as real subprocesses, and `verify` has its own.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from journal.operations.redact import _RULES
from tests.conftest import Cli, Result, run_journal
from tests.inprocess import copy_template, make_template, run_inprocess
from tests.test_redact import Secret, secret_corpus

KINDS = sorted({kind for kind, *_ in _RULES})


def _sample(kind: str) -> Secret:
    """A generated secret of `kind` (from the corpus of tests/test_redact.py)."""
    return next(s for s in secret_corpus() if kind in s.kinds)


SAMPLES = {kind: _sample(kind) for kind in KINDS}

# Each writing command, as (its words, the arguments that carry the text T): every
# text slot the command has gets the secret.
WRITERS: dict[str, tuple[tuple[str, ...], Callable[[str], list[str]]]] = {
    "new": (("new",), lambda t: [t]),
    "set": (("set",), lambda t: ["root_cause.summary", t]),
    "option add": (("option", "add"), lambda t: [t, "--pro", t, "--con", t]),
    "option choose": (("option", "choose"), lambda t: ["1", "--why", t]),
    "option reject": (("option", "reject"), lambda t: ["1", "--why", t]),
    "option defer": (("option", "defer"), lambda t: ["1", "--why", t]),
    "criterion add": (
        ("criterion", "add"),
        lambda t: [t, "--group", t, "--validation", t],
    ),
    "step add": (
        ("step", "add"),
        lambda t: [t, "--owner", t, "--tracked-in", t],
    ),
    "lesson add": (
        ("lesson", "add"),
        lambda t: [t, "--detail", t, "--prevention", t],
    ),
    "validate add": (("validate", "add"), lambda t: [t, "--command", t]),
    "log": (("log",), lambda t: [t]),
    "exec -m": (("exec",), lambda t: ["-m", t, "--", "true"]),
    "exec output": (("exec",), lambda t: ["--", sys.executable, "-c", _PRINT, t]),
    "edit": (("edit",), lambda t: []),
    "import": (("import",), lambda t: ["{report}"]),
}
_PRINT = "import sys; print(sys.argv[1])"
# The editor: appends the text as the session's methodology, as a person would.
_EDITOR = (
    "import json, os, sys\n"
    "with open(sys.argv[1], 'a', encoding='utf-8') as f:\n"
    "    f.write('methodology: ' + json.dumps(os.environ['SECRET_TEXT']) + '\\n')\n"
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A journal with one session, one option: copied for every case."""
    return make_template(
        tmp_path_factory.mktemp("template"),
        ("new", "Base session", "--at", "2025-11-04T01:00:00+00:00"),
        ("option", "add", "Base option"),
    )


def _tree_text(root: Path) -> str:
    """Every name and every byte under `root` (.git included), as one text."""
    parts = []
    for path in sorted(root.rglob("*")):
        parts.append(str(path.relative_to(root)))
        if path.is_file() and not path.is_symlink():
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def _run_writer(
    name: str,
    secret: Secret,
    *,
    redact: bool,
    template: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Path, Result]:
    root = copy_template(template, tmp_path)
    text = f"deploy with {secret.line}"
    words, args = WRITERS[name]
    argv = [*words, *([] if redact else ["--no-redact"]), *args(text)]
    if name == "import":
        report = tmp_path / "report.md"  # outside the journal
        report.write_text(
            f"# Incident: {text.splitlines()[0]}\n\n**Date:** 2025-11-05\n\n"
            f"## Summary\n\n{text}\n\n## Root cause\n\n{text}\n",
            encoding="utf-8",
        )
        argv = [str(report) if a == "{report}" else a for a in argv]
    if name == "edit":
        script = tmp_path / "editor.py"
        script.write_text(_EDITOR, encoding="utf-8")
        monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
        monkeypatch.setenv("SECRET_TEXT", text)
    result = run_inprocess(*argv, cwd=root, capfd=capfd, monkeypatch=monkeypatch)
    return root, result


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("writer", list(WRITERS))
def test_item2_secret_reaches_no_file(
    writer: str,
    kind: str,
    template: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
):
    secret = SAMPLES[kind]
    root, result = _run_writer(
        writer,
        secret,
        redact=True,
        template=template,
        tmp_path=tmp_path,
        capfd=capfd,
        monkeypatch=monkeypatch,
    )
    assert result.code == 0, result
    tree = _tree_text(root)
    for core in secret.cores:
        assert core not in tree, f"{writer} kept a {kind} secret"
    assert "[REDACTED:" in tree
    if writer != "import":  # import counts them in its summary
        assert "redacted" in result.out + result.err  # the user is told


def _batches(limit: int = 1_500) -> list[list[Secret]]:
    """The samples in groups whose text fits any field (titles hold 2,000)."""
    batches: list[list[Secret]] = [[]]
    for secret in SAMPLES.values():
        if sum(len(s.line) + 5 for s in batches[-1]) + len(secret.line) > limit:
            batches.append([])
        batches[-1].append(secret)
    return batches


BATCHES = _batches()


@pytest.mark.parametrize("batch", range(len(BATCHES)))
@pytest.mark.parametrize("writer", list(WRITERS))
def test_item2_no_redact_keeps_the_secret(
    writer: str,
    batch: int,
    template: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
):
    # Several kinds at once, in one text: --no-redact keeps each of them (a few runs
    # per command instead of one per kind: the opt-out has no per-kind logic).
    group = BATCHES[batch]
    every = Secret(
        f"batch {batch}",
        " and ".join(s.line for s in group),
        tuple(c for s in group for c in s.cores),
        frozenset(k for s in group for k in s.kinds),
    )
    root, result = _run_writer(
        writer,
        every,
        redact=False,
        template=template,
        tmp_path=tmp_path,
        capfd=capfd,
        monkeypatch=monkeypatch,
    )
    assert result.code == 0, result
    tree = _tree_text(root)
    lost = [c for c in every.cores if c not in tree]
    assert not lost, f"{writer} --no-redact lost {len(lost)} secret(s)"
    assert "[REDACTED:" not in tree


def test_item2_every_kind_has_a_sample():
    assert len(KINDS) >= 20
    for kind, secret in SAMPLES.items():
        assert kind in secret.kinds and secret.cores
    assert sorted(s.name for b in BATCHES for s in b) == sorted(
        s.name for s in SAMPLES.values()
    )


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (["new", "deploy with {}"], "aws-access-key-id"),
        (["step", "add", "rotate {}"], "github-token"),
        (["log", "paged: {}"], "slack-token"),  # the fast path
        (["criterion", "add", "login via {} works"], "url-password"),
    ],
)
def test_item2_real_commands(cli: Cli, session_id: str, args: list[str], kind: str):
    secret = SAMPLES[kind]
    argv = [a.replace("{}", secret.line) for a in args]
    result = cli.ok(*argv)
    assert "redacted" in result.out
    tree = _tree_text(cli.root)
    assert not any(core in tree for core in secret.cores)
    kept = (
        cli.ok(argv[0], *argv[1:-1], "--no-redact", argv[-1])
        if len(argv) > 2
        else (cli.ok(argv[0], "--no-redact", argv[1]))
    )
    assert kept.code == 0
    assert all(core in _tree_text(cli.root) for core in secret.cores)


def test_item2_new_names_the_folder_from_the_redacted_title(cli: Cli):
    secret = SAMPLES["aws-access-key-id"]
    result = cli.ok("new", f"deploy with {secret.line}", "--json")
    folder = json.loads(result.out)["session"]
    assert folder.endswith("-redacted")  # the slug of "…=[REDACTED:aws-access-key-id]"
    assert not any(c.lower() in folder for c in secret.cores)
    assert not any(c in p.name for p in cli.root.rglob("*") for c in secret.cores)


@pytest.mark.parametrize("redact", [True, False], ids=["default", "no-redact"])
def test_item2_verify_no_redact(cli: Cli, session_id: str, redact: bool):
    secret = SAMPLES["github-token"]
    core = secret.cores[0]
    cli.ok(
        "validate",
        "add",
        "Token printed",
        "--command",
        f"echo {core}",
        "--no-redact",
    )
    result = cli("verify", *([] if redact else ["--no-redact"]))
    assert result.code == 0, result
    folder = cli.root / "sessions" / session_id
    recorded = (folder / "timeline.yaml").read_text() + "".join(
        p.read_text() for p in (folder / "evidence").iterdir()
    )
    assert (core in recorded) is not redact
    assert ("[REDACTED:github-token]" in recorded) is redact


def test_item2_edit_says_what_it_redacted_and_keeps_older_text(
    cli: Cli, session_id: str, tmp_path: Path
):
    old = SAMPLES["slack-token"]
    cli.ok("set", "summary", f"kept on purpose {old.line}", "--no-redact")
    new = SAMPLES["stripe-key"]
    script = tmp_path / "editor.py"
    script.write_text(_EDITOR, encoding="utf-8")
    env = {"EDITOR": f"{sys.executable} {script}", "SECRET_TEXT": new.line}
    result = cli.ok("edit", env=env)
    assert "1 secret(s) redacted: stripe-key" in result.out
    text = (cli.root / "sessions" / session_id / "session.yaml").read_text()
    assert not any(c in text for c in new.cores)
    assert all(c in text for c in old.cores)  # not what the edit added: untouched
    assert run_journal("check", cwd=cli.root).code in (0, 1)


@pytest.mark.parametrize(
    "command",
    [
        'curl -H "Authorization: Bearer $TOKEN" https://api.example.com/health',
        "curl -H 'Authorization: token ${GITHUB_TOKEN}' https://api.github.com",
        "psql postgres://app:$PGPASSWORD@db/app -c 'select 1'",
    ],
)
def test_item2_a_secret_named_through_the_environment_is_kept(
    cli: Cli, session_id: str, command: str
):
    # What the README advises for validation commands: it must run as typed.
    result = cli.ok("validate", "add", "Health", "--command", command)
    assert "redacted" not in result.out
    text = (cli.root / "sessions" / session_id / "session.yaml").read_text()
    assert "[REDACTED" not in text
