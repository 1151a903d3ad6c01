"""A file the journal writes several ways goes by one name (`insight/samefile.py`),
and `related` weighs it once."""

from __future__ import annotations

from typing import Any

from journal.insight.related import Ranker
from journal.insight.samefile import aliases, renamed


def test_a_container_path_and_a_base_name_join_the_repository_path() -> None:
    found = aliases(
        {
            "a": ["app/worker/tasks/pdf.py", "config.ts"],
            "b": ["worker/tasks/pdf.py", "web/src/config.ts"],
            "c": ["worker/tasks/pdf.py"],
        }
    )
    # Each goes by the name most sessions write (pdf.py), a path over a base name.
    assert found == {
        "app/worker/tasks/pdf.py": "worker/tasks/pdf.py",
        "config.ts": "web/src/config.ts",
    }


def test_a_name_ending_two_different_files_stays_as_it_is() -> None:
    found = aliases({"a": ["db.py"], "b": ["api/app/db.py"], "c": ["worker/db.py"]})
    assert found == {}


def test_a_chain_of_endings_is_one_file() -> None:
    found = aliases(
        {"a": ["tasks.py"], "b": ["app/tasks.py"], "c": ["srv/app/tasks.py"]}
    )
    # A path over a bare name, the shorter path over a checkout's longer one.
    assert found == {"tasks.py": "app/tasks.py", "srv/app/tasks.py": "app/tasks.py"}


def test_only_whole_folder_names_end_a_path() -> None:
    # `db.py` does not end `mydb.py`, nor `b/c.py` `ab/c.py`.
    assert aliases({"a": ["db.py", "b/c.py"], "b": ["mydb.py", "ab/c.py"]}) == {}


def test_renamed_keeps_the_order_and_each_file_once() -> None:
    alias = {"app/x.py": "x.py"}
    assert renamed(["app/x.py", "y.py", "x.py"], alias) == ["x.py", "y.py"]


def _session(sid: str, locations: list[str]) -> dict[str, Any]:
    return {
        "id": sid, "title": sid, "number": None, "day": sid[:10], "tags": [],
        "components": [], "title_words": [], "signatures": [], "root_files": [],
        "locations": locations, "shas": [],
    }  # fmt: skip


def test_related_weighs_a_file_written_two_ways_once() -> None:
    ranker = Ranker(
        {
            "2025-01-08-pdf": _session(
                "2025-01-08-pdf", ["app/worker/tasks/pdf.py", "worker/tasks/pdf.py"]
            ),
            "2025-02-04-pdf": _session("2025-02-04-pdf", ["worker/tasks/pdf.py"]),
            "2025-03-04-pdf": _session("2025-03-04-pdf", ["app/worker/tasks/pdf.py"]),
            "2025-03-09-pdf": _session("2025-03-09-pdf", ["worker/tasks/pdf.py"]),
        }
    )
    # Before: two names of one file were two places in common, and the second
    # and third reports, which write it differently, had none.
    assert ranker.compare("2025-01-08-pdf", "2025-02-04-pdf").reasons == [
        "both point at worker/tasks/pdf.py"
    ]
    assert ranker.compare("2025-02-04-pdf", "2025-03-04-pdf").reasons == [
        "both point at worker/tasks/pdf.py"
    ]
    assert "app/worker/tasks/pdf.py \N{RIGHTWARDS ARROW} worker/tasks/pdf.py" in (
        ranker.journal_wide
    )
