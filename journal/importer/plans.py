"""Checklists and plans: success criteria by group, checklists anywhere, next steps
by horizon (with what their text says of itself), and validation steps with their
commands; and typed figures: a `Stats` list (`Time to detection: 5 minutes`, `TTR:
2h`, `Customers affected: 305`) becomes the impact's numbers: a number with its unit
in the measure's name where the value is one, the value as typed text otherwise.

Options weighed (tables, headings or bullets), the status board of components,
and lessons learned: one per sub-heading (`### 1. Title` with `**Prevention:**`), or
one per list item; what went well or wrong gives the lesson's kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from journal.importer.context import Context
from journal.importer.dating import find_date
from journal.importer.document import (
    OPTION_COLUMNS,
    Block,
    Item,
    Row,
    Table,
    indented,
    is_list,
    read_items,
    read_table,
)
from journal.importer.labels import (
    HORIZONS,
    LESSON_FIELDS,
    LESSON_KINDS,
    classify_heading,
    normalize,
    split_label,
)

_DONE_MARK = re.compile(r"^\s*(?:✅|✔|☑)")
_PRIORITY = re.compile(r"^\W*(P[0-3])\b", re.IGNORECASE)
_WRAPPED = re.compile(r"^(\*\*|__|\*|_)(.+)\1$", re.DOTALL)
_CODE = frozenset({"fence", "code_block"})


def plain(text: str) -> str:
    """A label or title without its emphasis markers and trailing colon."""
    text = text.strip()
    wrapped = _WRAPPED.match(text)
    if wrapped and wrapped[1] not in wrapped[2]:
        text = wrapped[2].strip()
    return text.removesuffix(":").strip()


def label_of(block: Block) -> str | None:
    """The text of a heading, or of a paragraph that is only `**Label:**`."""
    if block.kind == "heading":
        return block.inline
    label = split_label(block.inline) if block.kind == "paragraph" else None
    return label.name if label and not label.rest else None


def _next(blocks: list[Block], i: int) -> Block | None:
    return blocks[i + 1] if i + 1 < len(blocks) else None


def extract_criteria(ctx: Context, blocks: list[Block]) -> list[Block]:
    """Success criteria from checkbox (or plain) lists, grouped by sub-heading."""
    residual: list[Block] = []
    group: str | None = None
    for i, block in enumerate(blocks):
        label = label_of(block)
        following = _next(blocks, i)
        if label is not None and classify_heading(label) == "success_criteria":
            group = None
            residual.append(block)
        elif label is not None and following is not None and is_list(following):
            group = plain(label)
        elif is_list(block):
            ctx.add(
                "success_criteria", [_criterion(it, group) for it in _items(ctx, block)]
            )
        else:
            residual.append(block)
    return residual


def _items(ctx: Context, block: Block) -> list[Item]:
    return [item for item in read_items(ctx.doc, block) if item.full.strip()]


def _criterion(item: Item, group: str | None) -> dict[str, Any]:
    done = bool(item.checked) or bool(_DONE_MARK.match(item.text))
    criterion: dict[str, Any] = {"text": item.full, "done": done}
    if group:
        criterion["group"] = group
    return criterion


_DONE_GROUP = re.compile(r"[(\[]\s*(?:completed?|done|finished)\s*[)\]]", re.I)
_HORIZON_WORDS = re.compile(r"^(immediate|short term|medium term|long term|planned)\b")


def horizon_of(label: str) -> str | None:
    """The horizon a sub-heading names: `Long-term improvements (Q1)` → long."""
    key = normalize(label)
    if key in HORIZONS:
        return HORIZONS[key]
    words = _HORIZON_WORDS.match(key)
    if words is None:
        return None
    return {"immediate": "immediate", "long term": "long"}.get(words[1], "short")


def extract_steps(ctx: Context, blocks: list[Block]) -> list[Block]:
    """Next steps, with the horizon their sub-heading or priority gives."""
    residual: list[Block] = []
    horizon = "short"
    lead = ""
    done = False
    for block in blocks:
        label = label_of(block)
        if label is not None and (named := horizon_of(label)) is not None:
            horizon = named
            done = bool(_DONE_GROUP.search(label))
            # `### P3` after `### P2` (both long-term): the words stay on the steps.
            claimed = ctx.label(f"next_steps.{horizon}", plain(label))
            lead = "" if claimed else plain(label)
        elif is_list(block):
            steps = [
                _step(item, horizon, lead, done=done, year=ctx.year)
                for item in _items(ctx, block)
            ]
            ctx.add("next_steps", steps)
        elif block.kind == "table":
            ctx.add("next_steps", _table_steps(ctx, read_table(block), horizon))
        else:
            residual.append(block)
    return residual


def _step(
    item: Item, horizon: str, lead: str, *, done: bool, year: int | None
) -> dict[str, Any]:
    priority = _PRIORITY.match(item.text)
    if priority:
        horizon = HORIZONS[priority[1].lower()]
    text = f"{lead}: {item.full}" if lead else item.full
    step: dict[str, Any] = {"text": text, "horizon": horizon, "done": done}
    step.update(step_fields(item.full, year))
    if item.checked is not None:
        step["done"] = item.checked
    return step


_TEXT_COLUMNS = ("action", "item", "task", "step", "description", "what", "next step")
_OWNER_COLUMNS = ("owner", "who", "assignee", "by")
_HORIZON_COLUMNS = ("priority", "horizon", "when")
_DONE_COLUMNS = ("status", "done", "state")
_TICKET_COLUMNS = ("ticket", "issue", "link", "tracked in", "tracker", "jira", "pr")
_DONE_WORDS = re.compile(r"✅|\b(done|complete|completed|closed|yes)\b", re.IGNORECASE)


def _table_steps(ctx: Context, table: Table, horizon: str) -> list[dict[str, Any]]:
    text_col = table.column(lambda h: h in _TEXT_COLUMNS) or 0
    found = {
        "owner": table.column(lambda h: h in _OWNER_COLUMNS),
        "due": table.column(lambda h: h == "due" or h.startswith("due ")),
        "tracked_in": table.column(lambda h: h in _TICKET_COLUMNS),
    }
    # A column is a field only where the report prints its header's words; the
    # others stay in the step's text as `Header: cell`.
    columns = {k: ctx.column(f"next_steps.{k}", table, n) for k, n in found.items()}
    # The text column's header, when the report prints other words for it.
    header = table.heading(text_col)
    lead = "" if ctx.label("next_steps.text", header) else header
    columns |= {
        "text": text_col,
        "horizon": table.column(lambda h: h in _HORIZON_COLUMNS),
        "done": table.column(lambda h: h in _DONE_COLUMNS),
    }
    return [_table_step(table, row, columns, lead, horizon) for row in table.rows]


def _table_step(
    table: Table, row: Row, columns: dict[str, int | None], lead: str, horizon: str
) -> dict[str, Any]:
    """One row of a follow-up table; `columns`: which column holds what."""
    owner, due = row.get(columns["owner"]), row.get(columns["due"])
    step: dict[str, Any] = {
        "horizon": HORIZONS.get(normalize(row.get(columns["horizon"])), horizon),
        "done": bool(_DONE_WORDS.search(row.get(columns["done"]))),
    }
    if owner:
        step["owner"] = owner
    used = {columns["text"], columns["owner"], columns["horizon"]}
    if due and _is_date(due):
        step["due"] = due
        used.add(columns["due"])
    ticket = re.search(r"https?://\S+", row.get(columns["tracked_in"]))
    if ticket:
        # The cell stays in the text too: `OPS-311` may be all a reader knows it by.
        step["tracked_in"] = ticket.group(0).rstrip(")>")
    # The status cell stays in the text too: `In review` says more than a checkbox.
    extra = [
        f"{table.heading(i)}: {cell}"
        for i, cell in enumerate(row.cells)
        if i not in used and cell
    ]
    if (horizon_col := columns["horizon"]) is not None and row.get(horizon_col):
        extra.append(f"{table.heading(horizon_col)}: {row.get(horizon_col)}")
    text = row.get(columns["text"])
    if text and lead:
        text = f"{lead}: {text}"
    step["text"] = " — ".join(filter(None, [text, *extra])) or "(untitled)"
    return step


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def extract_validation(ctx: Context, blocks: list[Block]) -> list[Block]:
    """Validation steps: list items or captioned code blocks, each with its command."""
    residual: list[Block] = []
    title: str | None = None
    steps: list[dict[str, Any]] = []
    for i, block in enumerate(blocks):
        label = label_of(block) or (block.inline if block.kind == "paragraph" else None)
        following = _next(blocks, i)
        if label is not None and classify_heading(label) == "validation":
            residual.append(block)
            continue
        if label is not None and following is not None and following.kind in _CODE:
            title = plain(label)
        elif block.kind in _CODE:
            steps.append(
                {"title": title or f"Step {len(steps) + 1}", "command": block.code}
            )
            title = None
        elif is_list(block):
            steps.extend(
                _validation_step(ctx, item, len(steps)) for item in _items(ctx, block)
            )
        else:
            residual.append(block)
    ctx.add("validation", steps)
    return residual


def _validation_step(ctx: Context, item: Item, done: int) -> dict[str, Any]:
    code = [b.code for b in item.blocks if b.kind in _CODE]
    title, _, more = item.text.partition("\n")
    other = [more, indented(ctx.doc, [b for b in item.blocks if b.kind not in _CODE])]
    step: dict[str, Any] = {"title": plain(title) or f"Step {done + 1}"}
    if code:
        step["command"] = "\n".join(code)
    if expect := "\n".join(o.strip() for o in other if o.strip()):
        step["expect"] = expect
    return step


# What a follow-up written as plain text says about itself: done (`(done)`, `✅`,
# struck through), its owner (`@rich`, `Owner: Rich`), its due date (`due 2025-12-01`,
# `by Dec 1`) and the ticket it is tracked in (an issue or pull-request link). The
# text itself stays as written; these only fill the step's fields.
_DONE = re.compile(
    r"[(\[]\s*(?:done|completed?|finished|fixed|shipped|resolved)\s*[)\]]"
    r"|^\s*(?:✅|✔|☑)|(?:✅|✔️?|☑️?)\s*$|^\s*~~.+~~\s*$"
    r"|^\W*(?:done|completed?)\W*:",
    re.IGNORECASE,
)
_MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z][\w.-]{0,38}[\w])")
_OWNER = re.compile(
    r"\b(?:owner|owned by|assignee|assigned to|who)\s*[:=]\s*"
    r"(?P<name>@?[A-Z][\w.-]*(?:\s[A-Z][\w.-]*)?)",
    re.IGNORECASE,
)
_DUE = re.compile(r"\b(?:due|deadline|by|until|eta)\b\s*:?\s*(?:on\s+)?", re.IGNORECASE)
_TICKET = re.compile(
    r"https?://[^\s)>\]]+?(?:/issues/\d+|/pull/\d+|/browse/[A-Z][A-Z0-9]+-\d+"
    r"|/-/issues/\d+|/merge_requests/\d+|linear\.app/[^\s)>\]]+/issue/[^\s)>\]]+)"
)


def step_fields(text: str, year: int | None) -> dict[str, Any]:
    """The fields `text` states: done, owner, due (an ISO date), tracked_in."""
    fields: dict[str, Any] = {}
    first = text.split("\n", 1)[0]
    if _DONE.search(first):
        fields["done"] = True
    if owner := _owner(first):
        fields["owner"] = owner
    if due := _due(first, year):
        fields["due"] = due.isoformat()
    if ticket := _TICKET.search(text):
        fields["tracked_in"] = ticket.group(0)
    return fields


def _owner(text: str) -> str | None:
    named = _OWNER.search(text)
    if named:
        return named["name"].strip()
    mention = _MENTION.search(text)
    return mention.group(1) if mention else None


def _due(text: str, year: int | None) -> date | None:
    for match in _DUE.finditer(text):
        mark = find_date(text[match.end() : match.end() + 40])
        if mark is not None and mark.start == 0:
            return mark.on(year)
    return None


# Checklists anywhere (`- [ ]`, `- [x]`): a readiness list, a validation list, a
# `Definition of done` under another heading. Each becomes success criteria grouped
# by the heading or label above it; the rest of the section stays as it was.


def is_checklist(ctx: Context, block: Block) -> bool:
    """A list whose items all have a checkbox."""
    if not is_list(block):
        return False
    items = read_items(ctx.doc, block)
    return bool(items) and all(item.checked is not None for item in items)


def take_checklists(ctx: Context, group: str, blocks: list[Block]) -> list[Block]:
    """Add the checklists among `blocks` as criteria; return the other blocks.

    `group`: the section's title, the group of a checklist no heading names.
    """
    rest: list[Block] = []
    current = group
    for block in blocks:
        label = label_of(block)
        if label is not None:
            current = plain(label) or group
        if not is_checklist(ctx, block):
            rest.append(block)
            continue
        if (
            rest
            and label_of(rest[-1]) is not None
            and plain(rest[-1].inline) == current
        ):
            # The heading or label names the group: it is not kept twice.
            rest.pop()
        criteria = [
            {"text": item.full, "done": bool(item.checked), "group": current}
            for item in _items(ctx, block)
        ]
        ctx.add("success_criteria", criteria)
    return rest


FIGURE_SECTIONS = frozenset(
    {"stats", "statistics", "metrics", "key metrics", "figures", "key figures",
     "numbers", "by the numbers", "incident metrics", "incident stats"}
)  # fmt: skip
_ITEM = re.compile(r"^(?P<name>[^:\n]{1,60}?)\s*:\s*(?P<value>[^\n]{1,200})$")
_NUMBER = re.compile(
    r"^~?\s*(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<unit>[^\W\d][\w%]*|%)?\.?$"
)


def is_figures(title: str) -> bool:
    return normalize(title) in FIGURE_SECTIONS


def take_figures(ctx: Context, blocks: list[Block]) -> list[Block]:
    """Add the `Name: value` lists among `blocks` to the impact's numbers; return
    the other blocks (and any list with an item that is not a figure)."""
    rest: list[Block] = []
    for block in blocks:
        figures = _figures(ctx, block) if is_list(block) else None
        if figures is None:
            rest.append(block)
            continue
        impact: dict[str, Any] = ctx.session.setdefault("impact", {})
        impact.setdefault("numbers", {}).update(figures)
    return rest


def _figures(ctx: Context, block: Block) -> dict[str, Any] | None:
    items = read_items(ctx.doc, block)
    found: dict[str, Any] = {}
    known = ctx.session.get("impact", {}).get("numbers", {})
    for item in items:
        match = _ITEM.match(plain(item.text))
        if match is None or item.extra or item.checked is not None:
            return None
        name, value = _figure(plain(match["name"]), match["value"].strip())
        if name in found or name in known:
            return None
        found[name] = value
    return found or None


def _figure(name: str, value: str) -> tuple[str, Any]:
    number = _NUMBER.match(value)
    if number is None:
        return name, value
    digits = number["n"].replace(",", "")
    parsed: int | float = float(digits) if "." in digits else int(digits)
    if number["unit"]:
        return f"{name} ({number['unit']})", parsed
    return name, parsed


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


def _table_components(ctx: Context, table: Table) -> list[dict[str, Any]]:
    name_header = table.heading(0)
    named = not name_header or ctx.label("components.name", name_header)
    state_col = table.column(lambda h: h in {"status", "state"})
    state_col = ctx.column("components.state", table, state_col)
    components = []
    for row in table.rows:
        # The state cell as written, then the other cells under their headers.
        notes = [row.get(state_col)] + [
            f"{table.heading(i)}: {cell}" if table.heading(i) else cell
            for i, cell in enumerate(row.cells)
            if i not in {0, state_col} and cell
        ]
        note = "; ".join(filter(None, notes))
        name = row.get(0) or "component"
        component = _present(
            name=name if named else f"{name_header}: {name}",
            state=state_of(row.get(state_col) or note),
            note=note,
        )
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


_LESSON_NUMBER = re.compile(r"^(?:lesson\s+)?\d+[.):]\s*", re.IGNORECASE)
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
    return plain(_LESSON_NUMBER.sub("", text.strip()))


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
