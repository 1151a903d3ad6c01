"""journal.importer on the real example report (session 8, mojibake included)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from journal.importer import ImportedReport, parse_report
from journal.model import session as session_model

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EXAMPLE = FIXTURES / "session-8-sqlalchemy-fix.md"


@pytest.fixture(scope="module")
def report() -> ImportedReport:
    return parse_report(EXAMPLE.read_text(encoding="utf-8"), source=EXAMPLE.name)


def _strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_fixture_is_the_example_verbatim() -> None:
    shared = Path("/work/shared/examples/session-8-sqlalchemy-fix.md")
    if not shared.exists():
        pytest.skip("shared examples not available")
    assert EXAMPLE.read_bytes() == shared.read_bytes()


def test_title_number_date_status_severity(report: ImportedReport) -> None:
    assert report.title == "SQLAlchemy Mapper Error - CRITICAL FIX"
    assert report.session["title"] == report.title
    assert report.session["number"] == 8
    assert report.date == date(2025, 11, 4)
    assert report.session["status"] == "validating"
    assert report.session["severity"] == "critical"
    assert report.session["started"] == "2025-11-04T01:00:00+00:00"
    assert report.session["methodology"] == "Andrew Ng's Systematic Approach"
    assert report.warnings == ()


def test_session_keys_follow_the_design_order(report: ImportedReport) -> None:
    order = [
        "title", "number", "status", "severity", "started", "ended", "date_source",
        "tags", "people", "previous", "methodology", "summary", "detection", "root_cause",
        "options", "fix", "impact", "components", "validation", "success_criteria",
        "next_steps", "lessons", "sections", "labels",
    ]  # fmt: skip
    keys = list(report.session)
    assert keys == [key for key in order if key in keys]
    assert all(report.session[key] for key in keys), "empty keys are omitted"


def test_timeline_has_five_events_and_the_commit(report: ImportedReport) -> None:
    timeline = [e for e in report.events if e["kind"] != "commit"]
    assert [e["at"][11:16] for e in timeline] == [
        "00:53", "01:00", "01:02", "01:03", "01:05",
    ]  # fmt: skip
    assert all(e["at"].startswith("2025-11-04T") for e in timeline)
    assert all(e["at"].endswith("+00:00") for e in timeline)
    assert timeline[0]["text"] == "Session 7 monitoring baseline established"
    assert [e["kind"] for e in timeline] == [
        "note", "note", "detected", "investigating", "deployed",
    ]  # fmt: skip
    commits = [e for e in report.events if e["kind"] == "commit"]
    assert len(commits) == 1
    assert commits[0]["sha"] == "fa1b1d5"
    assert commits[0]["at"] == "2025-11-04T01:05:00+00:00"
    assert commits[0]["text"] == (
        "Fix SQLAlchemy mapper error: Comment out incomplete "
        "Organization.schools relationship"
    )


def test_options_one_chosen(report: ImportedReport) -> None:
    options = report.session["options"]
    assert len(options) == 3
    chosen = [o for o in options if o.get("decision") == "chosen"]
    assert [o["title"] for o in chosen] == ["Comment out relationship"]
    assert chosen[0]["pros"] == ["Safe", "preserves code for future"]
    assert chosen[0]["cons"] == ["Incomplete feature remains incomplete"]
    rejected = [o for o in options if o.get("decision") == "rejected"]
    assert [o["why"] for o in rejected] == ["Too risky", "Too destructive"]
    assert options[1]["title"] == 'Change "School" → "Class"'


def test_success_criteria_in_two_groups(report: ImportedReport) -> None:
    criteria = report.session["success_criteria"]
    assert len(criteria) == 11
    assert Counter(c["group"] for c in criteria) == {
        "Fix Validation": 6,
        "Production Health": 5,
    }
    assert not any(c["done"] for c in criteria)
    assert criteria[0]["text"] == "Build completes with SUCCESS status"


def test_next_steps_by_horizon_with_sub_bullets(report: ImportedReport) -> None:
    steps = report.session["next_steps"]
    assert Counter(s["horizon"] for s in steps) == {
        "immediate": 5,
        "short": 3,
        "long": 3,
    }
    document = next(s for s in steps if "Document both fixes" in s["text"])
    assert document["text"] == (
        "**Document both fixes in monitoring log:**\n"
        "  - UUID validation fix (Session 5-6)\n"
        "  - SQLAlchemy fix (Session 8)"
    )
    todo = steps[-1]["text"]
    assert todo.count("\n  - ") == 3
    assert all(s["done"] is False for s in steps)


def test_lessons(report: ImportedReport) -> None:
    lessons = report.session["lessons"]
    assert [lesson["title"] for lesson in lessons] == [
        "Monitoring Periods Catch What Tests Miss",
        "Incomplete Features Can Block Complete Features",
        "Foundation Issues Must Be Fixed Immediately",
    ]
    assert lessons[0]["prevention"] == (
        "Always have monitoring periods for production deployments"
    )
    # `**Issue:**` stays with its text: the report prints no label for the detail.
    assert lessons[0]["detail"].startswith(
        "**Issue:** SQLAlchemy mapper errors don't appear"
    )
    assert "Use feature flags for WIP models" in lessons[1]["prevention"]
    assert "Debug multiple issues simultaneously" in lessons[2]["detail"]


def test_validation_steps_have_commands(report: ImportedReport) -> None:
    steps = report.session["validation"]
    assert len(steps) == 5
    assert steps[0] == {
        "title": "Verify Build Success",
        "command": "gcloud builds list --project=vividly-dev-rich --limit=1",
    }
    assert all(step["command"].startswith("gcloud ") for step in steps)
    assert steps[3]["title"] == "Check for SQLAlchemy Errors (Should be NONE)"


def test_root_cause(report: ImportedReport) -> None:
    root = report.session["root_cause"]
    assert root["location"] == "backend/app/models/organization.py:115-120"
    # The text goes on after each code block: they stay in it where they stood
    # (with their captions), none is printed further down as a snippet.
    assert "snippets" not in root
    assert root["summary"].startswith(
        "```python\n# Relationships\nschools = relationship("
    )
    assert "No `School` model exists in the codebase" in root["evidence"]
    # The evidence is printed under `Why This Failed`; `Result` keeps its label.
    assert (
        "**Result:** Confirmed - no School model exists anywhere in the codebase."
        in (root["evidence"])
    )
    # A sub-heading that labels no list of the part stays where it stood, over
    # its code: none is left empty.
    evidence = root["summary"].index("### Evidence from Code\n\n**Models Package**")
    testing = root["summary"].index("### Why Testing Didn't Catch This\n\nThe ")
    assert root["summary"].index("$ glob pattern=") in range(evidence, testing)


def test_fix_impact_detection_components(report: ImportedReport) -> None:
    fix = report.session["fix"]
    assert len(fix["rationale"]) == 4
    # The fix's code comes before a sub-heading of its text: it stays there.
    assert "snippets" not in fix
    assert "**Change Made:**\n```python\n# Relationships\n" in fix["summary"]
    impact = report.session["impact"]
    assert len(impact["symptoms"]) == 4
    assert len(impact["affected"]) == 3
    # "After deploying the fix:" introduces its list: both stay in the text, under
    # their sub-heading, rather than the list moving away from its sentence.
    assert "restored" not in impact
    assert (
        "### What Now Works\n\nAfter deploying the fix:\n\n1. ✅ SQLAlchemy mappers"
        in impact["summary"]
    )
    detection = report.session["detection"]
    assert detection["snippets"][0]["code"].startswith("sqlalchemy.exc.")
    states = {c["name"]: c["state"] for c in report.session["components"]}
    assert states["UUID Validation Fix"] == "validated"
    assert states["SQLAlchemy Fix"] == "in-progress"


def test_other_sections_kept_verbatim_in_order(report: ImportedReport) -> None:
    sections = report.session["sections"]
    titles = [s["title"] for s in sections]
    assert titles == [
        "Details",
        "Andrew Ng Methodology Validation",
        "Deployment",
        "Validation Plan",
        "Technical Details",
    ]
    source = EXAMPLE.read_text(encoding="utf-8")
    technical = sections[-1]["body"]
    assert technical.startswith("### SQLAlchemy Mapper Initialization\n\n**How It")
    # Verbatim: every line of the body is a line of the (repaired) source.
    repaired = parse_report(source).session["sections"][-1]["body"]
    assert repaired == technical
    lines = set(source.replace("‚Üí", "→").replace("‚Üê", "←").split("\n"))
    assert all(line in lines for line in technical.split("\n"))
    assert sections[0]["body"] == (
        "**Time:** 01:00 - 01:10 UTC (estimated)\n**Status:** FIX DEPLOYED - VALIDATING"
    )


def test_mojibake_repaired(report: ImportedReport) -> None:
    text = "\n".join(_strings([report.session, report.events]))
    assert "✅" in text
    assert "❌" in text
    assert "→" in text
    assert "🔄" in text
    assert "⏳" in text
    for broken in ("‚ú", "‚ùå", "‚Üí", "üîÑ", "‚è≥"):
        assert broken not in text
    assert report.mojibake_repaired == 35


def test_output_fits_the_model(report: ImportedReport) -> None:
    session = session_model.to_session(report.session)
    assert session.number == 8
    for event in report.events:
        session_model.to_event(event)


def test_code_the_text_goes_on_after_stays_where_it_stood() -> None:
    text = (
        "# Proxy abuse\n\n## Root cause\n\n"
        "Requests like the following are in the proxy's logs:\n\n"
        '```text\nGET /.env HTTP/1.1" 200\n```\n\n'
        "They match the time of the abuse report.\n\n"
        "Stack at the failure:\n\n"
        "```python\nraise KeyError(order_id)\n```\n"
    )
    root = parse_report(text, source="r.md").session["root_cause"]
    lead = root["summary"].index("Requests like the following")
    log = root["summary"].index('```text\nGET /.env HTTP/1.1" 200\n```')
    assert lead < log < root["summary"].index("They match the time")
    # The last block closes the part: a snippet, printed after the text as
    # the report wrote it, its caption kept.
    assert root["snippets"] == [
        {
            "lang": "python",
            "code": "raise KeyError(order_id)",
            "caption": "Stack at the failure",
        }
    ]
    assert "raise KeyError" not in root["summary"]


def test_a_list_its_sentence_introduces_stays_with_it() -> None:
    text = (
        "# Surveys broke\n\n## Root cause\n\n### Why It Failed\n\n"
        "The extension always loads the latest version. This created a mismatch where:\n\n"
        "- the old SDK lacked `isDisabled`\n- the new extension called it\n\n"
        "### Evidence\n\n- the error rate rose at 14:02\n- the CDN served 1.270.0\n"
    )
    root = parse_report(text, source="r.md").session["root_cause"]
    summary = root["summary"]
    assert summary.index("### Why It Failed") < summary.index("mismatch where:")
    assert summary.index("mismatch where:") < summary.index("- the old SDK lacked")
    # A list under its part's own sub-heading, with no sentence of the text
    # introducing it, is still the part's evidence.
    assert root["evidence"] == [
        "the error rate rose at 14:02",
        "the CDN served 1.270.0",
    ]
