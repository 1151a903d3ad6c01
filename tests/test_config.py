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
