"""Options weighed (tables, headings or bullets), the status board of components,
and lessons learned: one per sub-heading (`### 1. Title` with `**Prevention:**`), or
one per list item; what went well or wrong gives the lesson's kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from journal.importer.context import Context
from journal.importer.document import (
    OPTION_COLUMNS,
    Block,
    Item,
    Table,
    is_list,
    read_items,
    read_table,
)
from journal.importer.labels import (
    LESSON_FIELDS,
    LESSON_KINDS,
    classify_heading,
    normalize,
    split_label,
)
from journal.importer.plans import plain

_DECISIONS = (
    (
        "chosen",
        re.compile(r"✅|✔️?|☑️?|\b(chosen|selected|accepted|adopted|picked)\b", re.I),
    ),
    ("rejected", re.compile(r"❌|✗|✘|⛔|\b(rejected|discarded|declined)\b", re.I)),
    ("deferred", re.compile(r"⏸️?|⏳|\b(deferred|postponed|parked)\b", re.I)),
)
_EMPTY_EMPHASIS = re.compile(r"(\*\*|__)\s*\1|\(\s*\)")
_SPLIT = re.compile(r"\s*(?:<br\s*/?>|;|,(?![^()]*\)))\s*")
_PROS = frozenset({"pros", "pro", "advantages", "benefits", "upside", "upsides"})
_CONS = frozenset({"cons", "con", "disadvantages", "drawbacks", "risks", "downsides"})
_DECISION_COLUMNS = frozenset({"decision", "verdict", "status", "chosen", "outcome"})


def parse_decision(text: str) -> tuple[str | None, str]:
    """`❌ Too risky` → ("rejected", "Too risky"): the earliest marker decides."""
    found = [(m.start(), d, rx) for d, rx in _DECISIONS if (m := rx.search(text))]
    if not found:
        return None, text.strip()
    _, decision, rx = min(found, key=lambda f: f[0])
    rest = _EMPTY_EMPHASIS.sub("", rx.sub("", text))
    return decision, rest.strip(" \t-–—:,.")


def _present(**fields: Any) -> dict[str, Any]:
    """The fields that are not empty, in their order."""
    return {key: value for key, value in fields.items() if value}


def _split(cell: str) -> list[str]:
    return [part for part in _SPLIT.split(cell) if part.strip()]


_OPTION_COLUMNS = (
    ("title", lambda h: h in OPTION_COLUMNS),
    ("pros", lambda h: h in _PROS),
    ("cons", lambda h: h in _CONS),
    ("decision", lambda h: h in _DECISION_COLUMNS),
)


def _option_columns(ctx: Context, table: Table) -> dict[str, int | None]:
    """Where title, pros, cons and decision are; a column whose header the report
    prints with other words is left out (its cells stay in `why`)."""
    found = {key: table.column(accept) for key, accept in _OPTION_COLUMNS}
    found["title"] = found["title"] or 0
    return {key: ctx.column(f"options.{key}", table, n) for key, n in found.items()}


def _table_options(ctx: Context, table: Table) -> list[dict[str, Any]]:
    columns = _option_columns(ctx, table)
    title_col, decided = columns["title"], columns["decision"]
    used = set(columns.values())
    options = []
    for n, row in enumerate(table.rows, start=1):
        decision, why = parse_decision(row.get(decided))
        extra = [
            f"{table.header[i]}: {cell}"
            for i, cell in enumerate(row.cells)
            if i not in used and cell and i < len(table.header)
        ]
        option = _present(
            title=row.get(title_col) or row.get(0) or f"Option {n}",
            pros=_split(row.get(columns["pros"])),
            cons=_split(row.get(columns["cons"])),
            decision=decision,
            why="; ".join(filter(None, [why, *extra])),
        )
        options.append(option)
    return options


@dataclass
class _Option:
    title: str
    decision: str | None
    pros: list[str] = field(default_factory=list)
    cons: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    target: str | None = None

    def take(self, ctx: Context, block: Block) -> None:
        label = split_label(block.inline) if block.kind == "paragraph" else None
        key = normalize(label.name) if label else ""
        if label and key in _PROS | _CONS and not label.rest:
            part = "pros" if key in _PROS else "cons"
            # Other words than the table's header: the list stays in `why`.
            self.target = part if ctx.label(f"options.{part}", label.name) else None
            if self.target is None:
                self.why.append(ctx.doc.source([block]))
            return
        if label and key in _DECISION_COLUMNS:
            decision, why = parse_decision(label.rest)
            self.decision = self.decision or decision
            named = ctx.label("options.decision", label.name)
            self.why.append(why if named else ctx.doc.source([block]))
        elif self.target and is_list(block):
            items = [item.full for item in read_items(ctx.doc, block)]
            (self.pros if self.target == "pros" else self.cons).extend(items)
        else:
            self.why.append(ctx.doc.source([block]))
        self.target = None

    def as_dict(self) -> dict[str, Any]:
        return _present(
            title=self.title or "Option",
            pros=self.pros,
            cons=self.cons,
            decision=self.decision,
            why="\n\n".join(filter(None, self.why)),
        )


def _item_option(item: Item) -> dict[str, Any]:
    decision, rest = parse_decision(item.text)
    label = split_label(rest)
    bold = re.match(r"^(\*\*|__)(.+?)\1\s*(?:[-–—:]\s*)?(.*)$", rest, re.DOTALL)
    if label:
        title, why = label.name, label.rest
    elif bold:
        title, why = bold[2], bold[3]
    else:
        title, why = rest, ""
    option = _Option(title.strip(), decision, why=[why, item.extra])
    return option.as_dict()


def extract_options(ctx: Context, blocks: list[Block]) -> list[Block]:
    """Options from a table, from one sub-heading per option, or from a list."""
    residual: list[Block] = []
    options: list[_Option] = []
    for block in blocks:
        if block.kind == "heading" and classify_heading(block.inline) == "options":
            residual.append(block)
        elif block.kind == "heading":
            decision, title = parse_decision(block.inline)
            options.append(_Option(plain(title), decision))
        elif options:
            options[-1].take(ctx, block)
        elif block.kind == "table":
            ctx.add("options", _table_options(ctx, read_table(block)))
        elif is_list(block):
            ctx.add("options", [_item_option(i) for i in read_items(ctx.doc, block)])
        else:
            residual.append(block)
    ctx.add("options", [option.as_dict() for option in options])
    return residual


_STATES = (
    ("validated", re.compile(r"\b(validated|verified)\b", re.I)),
    ("in-progress", re.compile(r"🔄|\b(in progress|building|running|ongoing)\b", re.I)),
    ("blocked", re.compile(r"⏳|\b(blocked|waiting|pending)\b", re.I)),
    ("failed", re.compile(r"❌|\b(failed|failing|broken|down)\b", re.I)),
    ("deployed", re.compile(r"\bdeployed\b", re.I)),
    ("done", re.compile(r"✅|\b(done|complete|completed|fixed|resolved|ok)\b", re.I)),
)


def state_of(text: str) -> str:
    """The state a status text names (`✅ DEPLOYED & VALIDATED` → validated)."""
    return next((state for state, rx in _STATES if rx.search(text)), "unknown")


def _component(item: Item) -> dict[str, Any]:
    label = split_label(item.text)
    if label is not None:
        name, note = label.name, label.rest
    else:
        name, _, note = item.text.partition(":")
    note = "\n".join(filter(None, [note.strip(), item.extra]))
    component = {"name": plain(name) or "component", "state": state_of(note or name)}
    if note:
        component["note"] = note
    return component


def _board(items: list[Item]) -> bool:
    """Whether bullets are a status board: most name a part (`**Name:** state`)
    or a state; bullets of prose under a status heading are not components."""
    named = sum(
        split_label(i.text) is not None or state_of(i.text) != "unknown" for i in items
    )
    return 2 * named > len(items)


def _under(table: Table, column: int, cell: str) -> str:
    """A cell as `Header: cell` (just the cell in a column without a header)."""
    header = table.heading(column)
    return f"{header}: {cell}" if header else cell


def _table_components(ctx: Context, table: Table) -> list[dict[str, Any]]:
    name_header = table.heading(0)
    named = not name_header or ctx.label("components.name", name_header)
    state_col = table.column(lambda h: h in {"status", "state"})
    state_col = ctx.column("components.state", table, state_col)
    components = []
    for row in table.rows:
        # The state cell as written, then the other cells under their headers.
        notes = [row.get(state_col)] + [
            _under(table, i, cell)
            for i, cell in enumerate(row.cells)
            if i not in {0, state_col} and cell
        ]
        note = "; ".join(filter(None, notes))
        name = row.get(0) or "component"
        component = {
            "name": name if named else f"{name_header}: {name}",
            "state": state_of(row.get(state_col) or note),
        }
        if note:
            component["note"] = note
        components.append(component)
    return components


def extract_components(ctx: Context, blocks: list[Block]) -> list[Block]:
    """The status board: `- **Name:** ✅ state (note)` items or a status table."""
    residual: list[Block] = []
    for block in blocks:
        items = read_items(ctx.doc, block) if is_list(block) else []
        if items and _board(items):
            ctx.add("components", [_component(i) for i in items])
        elif block.kind == "table":
            ctx.add("components", _table_components(ctx, read_table(block)))
        else:
            residual.append(block)  # bullets of prose too (not a board): kept as text
    return residual


_NUMBER = re.compile(r"^(?:lesson\s+)?\d+[.):]\s*", re.IGNORECASE)
_BOLD_LEAD = re.compile(r"^(\*\*|__)(.+?)\1\s*(?:[-–—:.]\s*)?(.*)$", re.DOTALL)
_LESSON_SECTIONS = frozenset({"lessons", *LESSON_KINDS})


@dataclass
class _Lesson:
    title: str
    kind: str | None
    detail: list[str] = field(default_factory=list)
    prevention: list[str] = field(default_factory=list)
    prevention_next: bool = False

    def take(self, ctx: Context, block: Block) -> None:
        """Add a block: `**Prevention:**` (or what the report says for it) and what
        follows it to the prevention, the rest verbatim to the detail (`**Issue:**`
        keeps its label: the report prints no label of its own for the detail)."""
        label = split_label(block.inline) if block.kind == "paragraph" else None
        role = LESSON_FIELDS.get(normalize(label.name)) if label else None
        if label is not None and role == "prevention":
            if not ctx.label("lessons.prevention", label.name):
                self.prevention.append(ctx.doc.source([block]))
            elif label.rest:
                self.prevention.append(label.rest)
            self.prevention_next = not label.rest
            return
        if self.prevention_next:
            self.prevention.append(ctx.doc.source([block]))
        else:
            self.detail.append(ctx.doc.source([block]))
        self.prevention_next = False

    def as_dict(self) -> dict[str, Any]:
        return _present(
            title=self.title or "Lesson",
            kind=self.kind,
            detail="\n\n".join(filter(None, self.detail)),
            prevention="\n\n".join(filter(None, self.prevention)),
        )


def _title(text: str) -> str:
    return plain(_NUMBER.sub("", text.strip()))


def _item_lesson(item: Item, kind: str | None) -> dict[str, Any]:
    bold = _BOLD_LEAD.match(item.text)
    label = split_label(item.text)
    if label:
        title, detail = label.name, label.rest
    elif bold and bold[3]:
        title, detail = bold[2], bold[3]
    else:
        title, detail = item.text, ""
    return _Lesson(_title(title), kind, detail=[detail, item.extra]).as_dict()


def extract_lessons(ctx: Context, kind: str, blocks: list[Block]) -> list[Block]:
    """Lessons of a lessons section (`kind` lessons, went_well, went_wrong, lucky)."""
    lesson_kind = LESSON_KINDS.get(kind)
    headings = [
        b.level
        for b in blocks
        if b.kind == "heading" and classify_heading(b.inline) not in _LESSON_SECTIONS
    ]
    top = min(headings, default=0)
    residual: list[Block] = []
    lessons: list[_Lesson] = []
    for block in blocks:
        if (
            block.kind == "heading"
            and classify_heading(block.inline) in _LESSON_SECTIONS
        ):
            residual.append(block)
        elif block.kind == "heading" and block.level == top:
            lessons.append(_Lesson(_title(block.inline), lesson_kind))
        elif lessons:
            lessons[-1].take(ctx, block)
        elif is_list(block):
            items = read_items(ctx.doc, block)
            ctx.add("lessons", [_item_lesson(item, lesson_kind) for item in items])
        else:
            residual.append(block)
    ctx.add("lessons", [lesson.as_dict() for lesson in lessons])
    return residual
