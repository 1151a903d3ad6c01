"""The text of the hook scripts, and finding journal's block inside a hook file.

journal's part of a hook always sits between two marker lines, so it can be chained
into a hook someone else wrote and later removed without touching their lines. The
shell part exits before starting Python when no session is active and the commit has
no `Journal-Session:` trailer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HOOK_NAMES = ("post-commit", "commit-msg")
SHELLS = frozenset({"sh", "bash", "dash", "ksh", "zsh", "ash", "mksh", "yash"})
_BEGIN = re.compile(r"^# >>> journal (?P<name>[a-z-]+) hook \((?P<how>\w+)\) >>>.*$")

_OPEN = """\
# >>> journal {name} hook ({how}) >>>
# Added by `journal hook install`; `journal hook uninstall` removes this block.
( # {purpose} Never fails the commit.
  root=${{JOURNAL_DIR:-$PWD{rel}}}
  [ -f "$root/journal.yaml" ] || exit 0
"""
_POST_COMMIT = """\
  commit=$(git log -1 --no-show-signature --format='{format}' HEAD 2>/dev/null) ||
    commit=
  if [ -z "${{JOURNAL_SESSION:-}}" ] && [ -z "${{JOURNAL_DIR:-}}" ] &&
     [ -d "${{GIT_DIR:-.git}}" ] && [ ! -s "${{GIT_DIR:-.git}}/journal/active" ]; then
    case $commit in *'<>' | '') exit 0 ;; esac  # no active session, no trailer
  fi
"""
_COMMIT_MSG = """\
  state=${{GIT_DIR:-.git}}/journal/active
  if [ -z "${{JOURNAL_SESSION:-}}" ] && [ -z "${{JOURNAL_DIR:-}}" ] &&
     [ -d "${{GIT_DIR:-.git}}" ]; then
    [ -s "$state" ] || exit 0  # no active session
    read -r id < "$state" || :
    if [ -f "$root/{sessions}/$id/session.yaml" ] &&
       c=$(LC_ALL=C awk '{awk}' "$1"); then
      [ -n "$c" ] || exit 0  # an empty message aborts the commit: no trailer
      # A merge's message has no final newline: interpret-trailers would glue the
      # trailer to its last line.
      [ -z "$(tail -c 1 "$1")" ] || echo >> "$1"
      case $c in -) c= ;; ?) c=core.commentChar=$c ;; *) c=core.commentString=$c ;; esac
      git ${{c:+-c "$c"}} interpret-trailers --in-place --if-exists doNothing \\
        --trailer "{trailer}: $id" "$1" && exit 0
    fi
  fi
"""
COMMENT_AWK = """
        BEGIN { cut = " ------------------------ >8 ------------------------" }
        { k = length($0) - length(cut)
          if (k > 0 && substr($0, k + 1) == cut && substr($0, 1, k) !~ /[[:space:]]/) {
            p = substr($0, 1, k); exit }
          n++; l[n] = $0
          if ($0 ~ /[^[:space:]]/) last = $0 }
        END { f = substr(last, 1, 1)
          edited = ENVIRON["GIT_EDITOR"] != ":"
          if (p == "" && edited && f != "" && index("#;@!$%^&|:", f)) p = f
          q = (p == "") ? "#" : p
          for (i = 1; i <= n; i++)
            if (substr(l[i], 1, length(q)) != q && l[i] ~ /[^[:space:]]/) {
              print ((p == "") ? "-" : p); exit } }"""
"""What the commit-msg script runs on the message: the comment prefix `git commit`
used when it differs from git's default (`-` when not), as
`journal.gitlink.trailer.comment_prefix` finds it (the tests hold the two together);
nothing when no line but comments has text. POSIX awk, one process."""
_CLOSE = """\
  py='{python}'
  if [ ! -x "$py" ]; then
    echo "journal: warning: $py is missing, so the {name} hook did nothing;" \\
      "run \\`journal hook install\\` again" >&2
    exit 0
  fi
  exec "$py" -S -P -c '{boot}' '{lib}' {name} --root "$root" {args}
) || :
# <<< journal {name} hook <<<
"""
_PORTABLE = """\
  # A committed hook runs on every clone: journal is found on PATH (the Python its
  # `journal` command runs), never at a path of the machine that installed it.
  py=
  if j=$(command -v journal) && IFS= read -r py < "$j"; then
    py=${{py#??}}
    case ${{py##*/}} in python*) [ -x "$py" ] || py= ;; *) py= ;; esac
  fi
  if [ -z "$py" ] && ! py=$(command -v python3); then
    echo "journal: warning: journal is not installed here, so the {name} hook" \\
      "did nothing; install it (pip install journal-cli) to link commits" >&2
    exit 0
  fi
  exec "$py" -c '{portable_boot}' {name} --root "$root" {args}
) || :
# <<< journal {name} hook <<<
"""
# The folder of a `-c` script (the checkout) is taken off sys.path: a `journal/` of
# the project must not shadow the installed package.
_PORTABLE_BOOT = (
    "import sys; sys.path[:1] = [p for p in sys.path[:1] if p]\n"
    "try:\n"
    "    from journal.cli.hook import main\n"
    "except ImportError:\n"
    '    sys.exit(print("journal: warning: journal is not installed here, so "\n'
    '        "this hook did nothing; install it (pip install journal-cli) to link "\n'
    '        "commits", file=sys.stderr))\n'
    "raise SystemExit(main())"
)
# -S skips site (and its .pth files): the hook needs only the standard library and
# journal itself, whose folder is put on sys.path first. -P keeps the checkout's own
# folders (a `journal/` of the project, say) off sys.path.
_BOOT = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); "
    "from journal.cli.hook import main; raise SystemExit(main())"
)
_PURPOSE = {
    "post-commit": "Link the new commit to the active journal session.",
    "commit-msg": "Add the {trailer} trailer while a journal session is active.",
}
_ARGS = {"post-commit": '--commit "$commit"', "commit-msg": '"$1"'}


def block(
    name: str,
    *,
    how: str,
    python: str,
    lib: str,
    rel: str,
    sessions: str,
    trailer: str,
    portable: bool = False,
) -> str:
    """journal's block for hook `name`.

    `lib` holds the `journal` package; `rel` is the journal's folder in the checkout,
    `sessions` its sessions folder; `trailer` the session trailer's key. A `portable`
    block (for a hook file inside the work tree, which is committed) names neither
    `python` nor `lib`: it finds journal on PATH on whichever machine runs it.
    """
    from journal.gitlink.postcommit import COMMIT_FORMAT

    values = {
        "name": name,
        "how": how,
        "purpose": _PURPOSE[name].format(trailer=trailer),
        "rel": f"/{_quote(rel)}" if rel else "",
        "format": COMMIT_FORMAT.format(key=trailer),
        "sessions": sessions.replace("'", ""),
        "trailer": trailer,
        "python": python.replace("'", "'\\''"),
        "lib": lib.replace("'", "'\\''"),
        "boot": _BOOT,
        "args": _ARGS[name],
        "awk": COMMENT_AWK,
        "portable_boot": _PORTABLE_BOOT,
    }
    middle = _POST_COMMIT if name == "post-commit" else _COMMIT_MSG
    close = _PORTABLE if portable else _CLOSE
    return "".join(part.format(**values) for part in (_OPEN, middle, close))


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@dataclass(frozen=True)
class Found:
    """journal's block in a hook file: how it got there, and the text around it."""

    how: str
    """created (the file is ours), chained (into a foreign hook), replaced (--force)."""
    before: str
    block: str
    after: str


def find_block(text: str, name: str) -> Found | None:
    """journal's block for hook `name` in `text`, or None."""
    lines = text.splitlines(keepends=True)
    end_line = f"# <<< journal {name} hook <<<"
    for start, line in enumerate(lines):
        match = _BEGIN.match(line.rstrip("\n"))
        if not match or match["name"] != name:
            continue
        for end in range(start + 1, len(lines)):
            if lines[end].rstrip("\n") == end_line:
                return Found(
                    match["how"],
                    "".join(lines[:start]),
                    "".join(lines[start : end + 1]),
                    "".join(lines[end + 1 :]),
                )
    return None


def fresh(block_text: str) -> str:
    return "#!/bin/sh\n" + block_text


def chain(existing: str, block_text: str) -> str:
    """`existing` with the block right after its `#!` line: no `exit` can skip it."""
    first, newline, rest = existing.partition("\n")
    return first + "\n" + block_text + rest if newline else first + "\n" + block_text


def is_shell_script(text: str) -> bool:
    """True for a script whose `#!` line runs a POSIX-style shell."""
    if not text.startswith("#!"):
        return False
    words = text[2:].partition("\n")[0].split()
    if words and words[0].rsplit("/", 1)[-1] == "env":
        words = [w for w in words[1:] if not w.startswith("-")]
    return bool(words) and words[0].rsplit("/", 1)[-1] in SHELLS
