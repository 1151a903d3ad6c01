"""journal.yaml: defaults, validation with did-you-mean, and the parse cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.errors import InvalidDataError
from journal.store.config import Config, load_config


def test_missing_config_means_all_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config()


def test_values_are_read_and_typed(tmp_path: Path) -> None:
    (tmp_path / "journal.yaml").write_text(
        "timezone: Europe/Berlin\nseverities: [sev1, sev2]\nsite:\n  builder: zensical\n"
    )
    config = load_config(tmp_path)
    assert config.timezone == "Europe/Berlin" and config.severities == ("sev1", "sev2")
    assert config.site.builder == "zensical"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timezon: UTC\n", "unknown setting 'timezon' — did you mean 'timezone'?"),
        (
            "site:\n  bulder: mkdocs\n",
            "unknown setting 'site.bulder' — did you mean 'builder'?",
        ),
        ("ascii: maybe\n", "ascii must be a bool"),
        ("statuses: []\n", "statuses must list at least one value"),
        ("severities: 3\n", "severities must be a list of strings"),
        ("- a\n- b\n", "must be a mapping"),
        ("timezone: [unclosed\n", "journal.yaml:2:1"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "journal.yaml").write_text(text)
    with pytest.raises(InvalidDataError) as info:
        load_config(tmp_path)
    assert message in info.value.one_line()


def test_the_cache_follows_edits(tmp_path: Path) -> None:
    (tmp_path / ".journal").mkdir()
    config_file = tmp_path / "journal.yaml"
    config_file.write_text("timezone: UTC\n")
    assert load_config(tmp_path).timezone == "UTC"
    assert (tmp_path / ".journal" / "config-cache.json").is_file()
    config_file.write_text("timezone: Asia/Tokyo\n")
    assert load_config(tmp_path).timezone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        # item 18 of issue 26: `close` took the first of no statuses (exit 70)
        (
            "statuses: [open, resolved]\nclosed_statuses: []\n",
            "journal.yaml:2",
            "closed_statuses must list at least one value",
        ),
        (
            "closed_statuses: [done]\n",
            "journal.yaml:1",
            "closed_statuses: 'done' is not one of the statuses — use one of: open,",
        ),
        ("severities: [high, high]\n", "journal.yaml:1", "'high' is listed twice"),
        ("event_kinds: ['note', ' ']\n", "journal.yaml:1", "' ' is not a usable name"),
        (
            "sessions_dir: ''\n",
            "journal.yaml:1",
            "sessions_dir: '' is empty",
        ),
        ("verify_timeout_s: .nan\n", "journal.yaml:1", "nan is out of range"),
        ("verify_timeout_s: 0\n", "journal.yaml:1", "give a number over 0"),
        (
            "# comment\nsite:\n  title: x\n  home_sessions: -1\n",
            "journal.yaml:4",
            "site.home_sessions: -1 is out of range",
        ),
        ("git:\n  trailer: 'Journal Session'\n", "journal.yaml:2", "not a trailer key"),
        (
            "git:\n  web_url: https://x.example/{sha}/{branch}\n",
            "journal.yaml:2",
            "is not a commit URL pattern",
        ),
        ("redact_patterns: ['a*']\n", "journal.yaml:1", "matches the empty text"),
        (
            "ascii: maybe\n",
            "journal.yaml:1",
            "ascii must be a bool, not 'maybe' — write",
        ),
        ("site:\n  bulder: x\n", "journal.yaml:2", "did you mean 'builder'?"),
        ("site:\n  builder: sphinx\n", "journal.yaml:2", "use one of: mkdocs"),
        ("timezone: Mars/Base\n", "journal.yaml:1", "unknown timezone 'Mars/Base'"),
    ],
)
def test_every_value_is_checked_with_its_line(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    (tmp_path / "journal.yaml").write_text(text)
    with pytest.raises(InvalidDataError) as info:
        load_config(tmp_path)
    line = info.value.one_line()
    assert line.startswith(str(tmp_path / where) + ": "), line
    assert message in line


def test_the_line_of_a_nested_key_is_found_in_its_section() -> None:
    from journal.store.config import line_of

    text = "title: x\nsite:\n  # c\n  title: y\ngit:\n  trailer: T\n"
    assert line_of(text, "site.title") == 4
    assert line_of(text, "git.trailer") == 6
    assert line_of(text, "title") == 1
    assert line_of(text, "site.trailer") is None


def test_a_value_cached_before_the_checks_is_checked_again(tmp_path: Path) -> None:
    """A journal.yaml cached by a version without a check is read and refused."""
    import json

    (tmp_path / ".journal").mkdir()
    config_file = tmp_path / "journal.yaml"
    config_file.write_text("closed_statuses: []\n")
    stat = config_file.stat()
    from journal import __version__

    old_key = [stat.st_mtime_ns, stat.st_size, __version__]
    cached = {"key": old_key, "config": {**Config().as_dict(), "closed_statuses": []}}
    (tmp_path / ".journal" / "config-cache.json").write_text(json.dumps(cached))
    with pytest.raises(InvalidDataError, match="closed_statuses must list"):
        load_config(tmp_path)


def test_close_with_no_closed_statuses_is_one_line(cli, session_id: str) -> None:  # type: ignore[no-untyped-def]
    """Issue 26 item 18: `closed_statuses: []`, then `close`: exit 1, not 70."""
    config = cli.root / "journal.yaml"
    text = config.read_text()
    config.write_text(
        text.replace("closed_statuses: [resolved, closed]", "closed_statuses: []")
    )
    before = (cli.root / "sessions" / session_id / "session.yaml").read_bytes()
    result = cli("close")
    assert result.code == 1, result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "journal.yaml:8: closed_statuses must list at least one value" in result.err
    assert (cli.root / "sessions" / session_id / "session.yaml").read_bytes() == before
