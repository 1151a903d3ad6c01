"""Reports that cite one another are related: an incident id leading a file name, a
link to another report, the author's "Session N"; the file a session was imported
from is kept (`imported_from`) so that its name can be cited."""

from __future__ import annotations

import json
from pathlib import Path

from journal.insight.citations import cites, names, shown
from tests.conftest import Cli


def test_names_come_from_the_file_name_and_the_title() -> None:
    assert names("Hellman cluster IP starvation", "PM2019-009 - IP starvation.md") == [
        "id:PM2019-009",
        "file:pm2019-009 - ip starvation",
    ]
    assert names("INC-1234: payments down", None) == ["id:INC-1234"]
    assert names("Session 8: SQLAlchemy mapper error", None) == ["session:8"]
    # "Session N" by its number too: import takes a report's "Session 12: …" as
    # number 12 when it is free, and keeps it in the title when it is not.
    assert names("Queue lag", None, number=12) == ["session:12"]
    assert names("Queue lag", "queue-lag.md", number=12) == [
        "session:12",
        "file:queue-lag",
    ]
    assert names("Session 11: part two", "s11b.md", number=40) == [
        "session:11",
        "session:40",
        "file:s11b",
    ]
    # A file named by its session names it too; a file numbered in order, when
    # nothing else numbers it (not a day or a year).
    assert names("SQLAlchemy fix", "session-8-sqlalchemy-fix.md") == [
        "session:8",
        "file:session-8-sqlalchemy-fix",
    ]
    assert "session:7" in names("Monitoring", "SESSION_7_PRODUCTION_MONITORING.md")
    assert names("Backfill", "07-invoice-backfill.md") == [
        "session:7",
        "file:07-invoice-backfill",
    ]
    assert names("Session 12: Backfill", "07-backfill.md") == [
        "session:12",
        "file:07-backfill",
    ]
    assert names("Phone lost", "04-25-phone.md") == ["file:04-25-phone"]
    assert names("Outage", "2024-03-07-outage.md") == ["file:2024-03-07-outage"]
    # Short codes are names of things, not incident ids.
    assert names("EC2 outage", None) == []
    assert names("HTTP2 errors", None) == []


def test_citations_are_found_in_every_shape_and_the_own_names_left_out() -> None:
    text = (
        "See postmortem [PM2019-009][PM2019-009] and INC_1234. During Session 7's "
        "monitoring (Sessions 3-5) we saw it; details in "
        "[the other report](../2023-01/2023-01-31-Negative%20values.md#timeline)."
    )
    found = cites([text], own=["session:4"])
    assert "id:PM2019-009" in found and "id:INC-1234" in found
    assert {"session:7", "session:3", "session:5"} <= set(found)
    assert "session:4" not in found
    assert "file:2023-01-31-negative values" in found
    # A report's file named without a link cites it too; a URL's page does not.
    said = "Update SESSION_7_PRODUCTION_MONITORING.md and docs/runbooks/db.md first."
    assert cites([said]) == ["file:session_7_production_monitoring", "file:db"]
    assert cites(["see https://example.com/wiki/page.md"]) == []
    # A range too long to be a list of sessions names its first only.
    assert cites(["Sessions 2 to 900"]) == ["session:2"]
    assert cites(["runs on EC2 and HTTP2, exit code 137"]) == []
    # A casual "session" names no session; a `#` or a capital does.
    assert cites(["in this session 2 workers died", "Session 3 hours in"]) == []
    assert cites(["see session #12"]) == ["session:12"]
    assert shown("id:PM2019-009") == "PM2019-009"
    assert shown("session:7") == "Session 7"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_imported_report_citing_another_by_its_file_id_is_related(
    cli: Cli, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    first = _write(
        reports,
        "PM2019-009 - Cluster network IP starvation.md",
        "# Cluster network IP starvation\n\n**Date:** 2019-12-04\n\n## Summary\n\n"
        "The pods could not get addresses from the subnets.\n",
    )
    second = _write(
        reports,
        "PM2019-011 - IaC reverted.md",
        "# IaC accidentally reverted\n\n**Date:** 2019-12-05\n\n## Summary\n\n"
        "A pipeline run put the cluster back into the state of "
        "postmortem PM2019-009.\n",
    )
    unrelated = _write(
        reports,
        "PM2020-001 - Certificate expired.md",
        "# Certificate expired\n\n**Date:** 2020-01-02\n\n## Summary\n\nThe TLS certificate "
        "of the API expired.\n",
    )
    cli.ok("import", str(first), str(second), str(unrelated))
    folders = sorted((cli.root / "sessions").iterdir())
    texts = {f.name: (f / "session.yaml").read_text("utf-8") for f in folders}
    assert any(
        "imported_from: PM2019-011 - IaC reverted.md" in t for t in texts.values()
    )
    data = json.loads(cli.ok("related", "2019-12-05-iac", "--json").out)
    listed = {r["session"]: r["reasons"] for r in data["related"]}
    (cited,) = [sid for sid in listed if "starvation" in sid]
    assert "cites PM2019-009" in listed[cited]
    assert not any("certificate" in sid for sid in listed)
    # And the other way round, in the cited report's own list.
    back = json.loads(cli.ok("related", cited, "--json").out)
    reasons = {r["session"]: r["reasons"] for r in back["related"]}
    assert reasons["2019-12-05-iac-accidentally-reverted"] == [
        "cited by it as PM2019-009"
    ]


def _related_after_import(
    cli: Cli, tmp_path: Path, reports: dict[str, str], session: str
) -> dict[str, list[str]]:
    """`reports` (file name → text) imported into the journal: what `journal
    related` lists for `session`, each with its reasons."""
    folder = tmp_path / "reports"
    folder.mkdir()
    cli.ok("import", *(str(_write(folder, n, t)) for n, t in reports.items()))
    data = json.loads(cli.ok("related", session, "--json").out)
    return {r["session"]: r["reasons"] for r in data["related"]}


def test_work_sessions_citing_the_authors_session_numbers_are_related(
    cli: Cli, tmp_path: Path
) -> None:
    reports = {
        "session-7.md": "# Session 7: Production monitoring\n\n**Date:** 2025-11-03"
        "\n\n## Summary\n\nTwenty-four hours of watching the workers after the "
        "deploy.\n",
        "session-8.md": "# Session 8: SQLAlchemy mapper error\n\n**Date:** "
        "2025-11-04\n\n## Summary\n\nDiscovered during Session 7's monitoring "
        "period.\n",
        "session-9.md": "# Session 9: Billing export\n\n**Date:** 2025-11-20\n\n"
        "## Summary\n\nA CSV column was renamed.\n",
    }
    # Import takes "Session 8: …" as the session's number 8.
    listed = _related_after_import(cli, tmp_path, reports, "8")
    assert listed == {"2025-11-03-production-monitoring": ["cites Session 7"]}


def test_a_citation_in_passing_needs_other_evidence_one_in_the_header_does_not(
    cli: Cli, tmp_path: Path
) -> None:
    reports = {
        "session-7.md": "# Session 7: Production monitoring\n\n**Date:** 2025-11-03"
        "\n\n## Summary\n\nTwenty-four hours of watching the workers.\n",
        # Names Session 7 in its header: it carries on from it.
        "session-8.md": "# Session 8: Mapper error\n\n**Date:** 2025-11-04\n"
        "**Previous:** Session 7\n\n## Summary\n\nA model was missing.\n",
        # Names Session 7 in passing, in a later part: another problem.
        "session-9.md": "# Session 9: Billing export\n\n**Date:** 2025-11-20\n\n"
        "## Summary\n\nA CSV column was renamed.\n\n## Notes\n\n"
        "Noticed while checking the dashboards after Session 7.\n",
    }
    listed = _related_after_import(cli, tmp_path, reports, "7")
    assert listed == {"2025-11-04-mapper-error": ["cited by it as Session 7"]}


def test_a_name_too_many_sessions_hold_cites_none_of_them() -> None:
    from journal.insight.citations import MAX_NAMED
    from journal.insight.related import Ranker

    def features(sid: str, title: str, cited: list[str]) -> dict[str, object]:
        return {
            "id": sid,
            "title": title,
            "number": None,
            "day": "2025-01-01",
            "tags": [],
            "components": [],
            "title_words": [],
            "signatures": [],
            "signature_words": [],
            "root_files": [],
            "locations": [],
            "shas": [],
            "facts": {},
            "previous": None,
            "names": names(title, None),
            "cites": cited,
            "terms": {},
        }

    crowd = {
        f"s{n}": features(f"s{n}", "Session 3: one of many", [])
        for n in range(MAX_NAMED + 1)
    }
    few = {f"p{n}": features(f"p{n}", "Session 4: a part", []) for n in range(2)}
    citing = {"c": features("c", "Later", ["session:3", "session:4"])}
    ranker = Ranker({**crowd, **few, **citing})  # type: ignore[dict-item]
    found = {r.id for r in ranker.related("c")}
    assert found == {"p0", "p1"}
    assert ranker.compare("p0", "p1").reasons == ["both Session 4"]
