"""`session_of_text` keeps what it parsed a moment ago (a site's first build reads each
session three times): the same text under the same vocabulary gives the same session,
and nothing it keeps can be served for another text or another vocabulary."""

from __future__ import annotations

import pytest

from journal.errors import JournalError
from journal.store.config import Config
from journal.store.validation import session_of_text

TEXT = 'title: "Queue stalled"\nnumber: 3\nstatus: open\nseverity: high\n'


def test_the_same_text_gives_the_same_session() -> None:
    config = Config()
    first = session_of_text(TEXT, config, where="a/session.yaml")
    again = session_of_text(TEXT, config, where="b/session.yaml")
    assert again is first
    assert first.title == "Queue stalled"


def test_another_text_is_parsed_again() -> None:
    config = Config()
    first = session_of_text(TEXT, config, where="session.yaml")
    other = session_of_text(TEXT.replace("stalled", "drained"), config, where="s.yaml")
    assert other.title == "Queue drained"
    assert first.title == "Queue stalled"


def test_another_vocabulary_checks_the_text_again() -> None:
    session_of_text(TEXT, Config(), where="session.yaml")  # valid, and kept
    narrow = Config(severities=("critical", "low"))
    with pytest.raises(JournalError, match="high"):
        session_of_text(TEXT, narrow, where="session.yaml")


def test_an_invalid_text_fails_every_time() -> None:
    bad = TEXT.replace("status: open", "status: sleeping")
    for _ in range(2):
        with pytest.raises(JournalError, match="sleeping"):
            session_of_text(bad, Config(), where="session.yaml")
