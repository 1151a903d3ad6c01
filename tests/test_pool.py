"""Work shared among forked copies of the process (`journal/pool.py`)."""

from __future__ import annotations

import os

import pytest

from journal import pool


def _pids_and_sums(chunk: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(chunk)


def test_each_chunk_s_result_comes_back_in_order() -> None:
    items = list(range(1000))
    found = list(pool.pooled(_pids_and_sums, items, size=7))
    assert [total for _, total in found] == [
        sum(items[i : i + 7]) for i in range(0, 1000, 7)
    ]


def test_the_chunks_are_worked_on_in_other_processes_when_there_are_cores() -> None:
    if pool.workers() < 2:
        pytest.skip("one core: the work is done in this process")  # CI has two
    pids = {pid for pid, _ in pool.pooled(_pids_and_sums, list(range(100)), size=1)}
    assert os.getpid() not in pids


def test_on_one_core_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "workers", lambda: 1)
    pids = {pid for pid, _ in pool.pooled(_pids_and_sums, list(range(10)), size=1)}
    assert pids == {os.getpid()}


def test_nothing_to_do_gives_nothing() -> None:
    assert list(pool.pooled(_pids_and_sums, [], size=5)) == []
