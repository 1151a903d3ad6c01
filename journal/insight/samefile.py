"""One name for a file the journal writes several ways.

Reports name a file as the repository has it (`worker/tasks/pdf.py`), as a
container's trace prints it (`app/worker/tasks/pdf.py`: `signatures.clean_path`
has dropped the leading `/`), or by its base name alone (`config.ts`). Two names
are one file when one ends the other at a folder boundary and nothing else in
the journal could be meant: a name that ends two longer paths neither of which
ends the other (`db.py` beside `api/app/db.py` and `worker/db.py`) stays as it
is. Each file then goes by the name most sessions write; on a tie, a path over a
bare file name, and the shorter path (a trace's checkout or container folders,
`srv/app/…`, left out). Standard library.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping


def aliases(names: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Each name (of every session's `names`) that another name stands for → that
    one; a name that is its group's own is left out."""
    sessions: Counter[str] = Counter()
    for written in names.values():
        sessions.update(set(written))
    found: dict[str, str] = {}
    for members in _groups(sessions).values():
        if len(members) > 1:
            best = max(members, key=lambda n: (sessions[n], "/" in n, -len(n), n))
            found.update({n: best for n in members if n != best})
    return found


def _groups(names: Iterable[str]) -> dict[str, list[str]]:
    """The names of one file together (union-find over "ends the one file")."""
    names = list(names)
    parent = {name: name for name in names}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    known = set(names)
    ending: dict[str, list[str]] = {}  # each name that ends others → those others
    for name in names:
        parts = name.split("/")
        for cut in range(1, len(parts)):
            if (tail := "/".join(parts[cut:])) in known:
                ending.setdefault(tail, []).append(name)
    for name, longer in ending.items():
        longest = max(longer, key=lambda n: (len(n), n))
        # Every longer name must be one file: each ends the longest.
        if all(longest == n or longest.endswith("/" + n) for n in longer):
            parent[root(name)] = root(longest)
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(root(name), []).append(name)
    return groups


def renamed(written: Iterable[str], alias: Mapping[str, str]) -> list[str]:
    """`written` with each name as its file goes by, once, in their order."""
    return list(dict.fromkeys(alias.get(name, name) for name in written))
