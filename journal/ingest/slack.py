"""Slack workspace exports (a folder or a zip) into events, one day file at a time.

An export holds `users.json`, `channels.json` (and for private exports `groups.json`,
`dms.json`, `mpims.json`) and one folder per channel of `YYYY-MM-DD.json` files, each a
list of messages. Only one day file is parsed at a time, so memory follows the
largest day, not the export.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from journal.ingest.common import Event, Options, bad, event, from_epoch

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LISTS = ("channels.json", "groups.json", "mpims.json", "dms.json")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
# Subtypes that are not conversation: kept only with --all.
NOISE = frozenset(
    {
        "channel_join", "channel_leave", "group_join", "group_leave", "channel_purpose",
        "group_purpose", "channel_name", "group_name", "channel_archive",
        "channel_unarchive", "bot_add", "bot_remove", "pinned_item", "unpinned_item",
        "reminder_add",
    }
)  # fmt: skip


class Export:
    """The files of an export, from a folder or a zip, by their path inside it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: Any = None
        if path.is_file():
            import zipfile

            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError):
                raise bad(
                    "is not a zip file",
                    "give a Slack export (its .zip or unpacked folder)",
                    where=str(path),
                ) from None
            names = [n for n in self._zip.namelist() if not n.endswith("/")]
            self.prefix = _common_root(names)
            self.names = [n[len(self.prefix) :] for n in names]
        else:
            self.prefix = ""
            self.names = [p.relative_to(path).as_posix() for p in path.rglob("*.json")]
        if "users.json" not in self.names or not any(n in self.names for n in LISTS):
            raise bad(
                "is not a Slack export (no users.json and channels.json at its top)",
                "give the folder or .zip Slack's workspace export wrote",
                where=str(path),
            )

    def load(self, name: str) -> Any:
        where = f"{self.path}/{name}" if self.path.is_dir() else f"{self.path}:{name}"
        try:
            if self._zip is not None:
                raw = self._zip.read(self.prefix + name)
            else:
                raw = (self.path / name).read_bytes()
            return json.loads(raw)
        except (OSError, KeyError):
            raise bad(
                "cannot be read", "check the export is complete", where=where
            ) from None
        except ValueError as exc:
            raise bad(
                f"is not valid JSON ({exc})",
                "the export is truncated or damaged: export it again",
                where=where,
            ) from None

    def days(self, folder: str) -> list[str]:
        return sorted(
            n
            for n in self.names
            if str(PurePosixPath(n).parent) == folder
            and _DAY.match(PurePosixPath(n).name)
        )


def _common_root(names: list[str]) -> str:
    """`export-name/` when every file of the zip sits in one top folder."""
    if "users.json" in names:
        return ""
    for name in names:
        if name.endswith("/users.json") and name.count("/") == 1:
            return name[: -len("users.json")]
    return ""


def is_export(path: Path) -> bool:
    if path.is_dir():
        return (path / "users.json").is_file()
    return path.suffix.lower() == ".zip"


def read(path: Path, options: Options) -> Iterator[Event]:
    """Every message of the export's channels, channel by channel, in time order
    within a channel."""
    export = Export(path)
    users = _names(export.load("users.json"), where=f"{path}/users.json")
    names = _channels(export)
    wanted = set(options.channels)
    for cid, name in names.items():
        if wanted and not wanted & {cid, name, "#" + name}:
            continue
        reader = _Channel(cid, name, users, names, options)
        take = reader.take
        for day in export.days(name) or export.days(cid):
            messages = export.load(day)
            where = f"{path}/{day}"  # once a day file, not once a message
            if not isinstance(messages, list):
                raise bad(
                    "is not a list of messages",
                    "give a Slack export's day file",
                    where=where,
                )
            for message in messages:
                if isinstance(message, dict):
                    take(message, where=where)
        yield from reader.events.values()
        # The channel's events are handed on: drop them before the next is read.
        reader.events.clear()


def _names(users: Any, *, where: str) -> dict[str, str]:
    if not isinstance(users, list):
        raise bad("is not a list of users", "export the workspace again", where=where)
    return {
        user["id"]: _display(user)
        for user in users
        if isinstance(user, dict) and isinstance(user.get("id"), str)
    }


def _display(user: dict[str, Any]) -> str:
    profile = user.get("profile") or {}
    return _first_name(
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    ) or str(user.get("id"))


def _first_name(*values: Any) -> str | None:
    """The first value that is a string with more than blanks, stripped."""
    return next((v.strip() for v in values if isinstance(v, str) and v.strip()), None)


def _channels(export: Export) -> dict[str, str]:
    """Each channel's id → its name."""
    found: dict[str, str] = {}
    for listing in LISTS:
        if listing not in export.names:
            continue
        data = export.load(listing)
        for item in data if isinstance(data, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found[item["id"]] = str(item.get("name") or item["id"])
    return found


class _Channel:
    """One channel's messages as events, keyed by id so edits and deletions that
    arrive later replace or remove what came first."""

    def __init__(
        self,
        cid: str,
        name: str,
        users: dict[str, str],
        channels: dict[str, str],
        options: Options,
    ) -> None:
        self.cid, self.users, self.channels = cid, users, channels
        self.kind = options.kind("message")
        self.source = f"slack #{name}"
        self.events: dict[str, Event] = {}
        # Read once: `take` runs once a message, and a record's fields are slower.
        self.known = options.known
        self.keep_all = options.keep_all
        self.tz = options.tz
        self.star = options.star_reaction.strip(":")

    def ident(self, ts: str) -> str:
        return f"slack:{self.cid}:{ts}"

    def take(self, message: dict[str, Any], *, where: str) -> None:
        subtype = message.get("subtype")
        if subtype == "message_changed" and isinstance(message.get("message"), dict):
            message = message["message"]
        elif subtype == "message_deleted" or subtype == "tombstone":
            self.events.pop(self.ident(str(message.get("deleted_ts"))), None)
            return
        elif not self.keep_all and (
            subtype in NOISE or subtype == "bot_message" or message.get("bot_id")
        ):
            return
        ts = message.get("ts")
        if not isinstance(ts, str) or not ts.strip():
            raise bad(
                "a message has no time (ts)",
                "each Slack message needs its ts; export the channel again",
                where=where,
            )
        try:
            moment = from_epoch(float(ts), where=where)
        except ValueError:
            raise bad(f"ts {ts!r} is not a time", "export again", where=where) from None
        ident = self.ident(ts)
        if ident in self.known:
            self.events[ident] = {"at": moment.isoformat(), "id": ident}
            return
        text = to_markdown(str(message.get("text") or ""), self.users, self.channels)
        if "files" in message:
            files = [
                _file_link(f) for f in message["files"] or [] if isinstance(f, dict)
            ]
            text = "\n".join(filter(None, [text, *files]))
        if not text:
            return
        thread = message.get("thread_ts")
        self.events[ident] = event(
            moment.astimezone(self.tz),
            self.kind,
            text,
            source=self.source,
            ident=ident,
            star=self._starred(message),
            by=self._author(message),
            reply_to=self.ident(thread) if thread and thread != ts else None,
        )

    def _author(self, message: dict[str, Any]) -> str | None:
        user = message.get("user")
        if isinstance(user, str) and user in self.users:
            return self.users[user]
        profile = message.get("user_profile") or message.get("bot_profile") or {}
        return _first_name(
            profile.get("display_name"),
            profile.get("real_name"),
            profile.get("name"),
            message.get("username"),
            user,
        )

    def _starred(self, message: dict[str, Any]) -> bool:
        if message.get("pinned_to"):
            return True
        wanted = self.star
        return bool(wanted) and any(
            isinstance(r, dict) and r.get("name") == wanted
            for r in message.get("reactions") or []
        )


def _file_link(info: dict[str, Any]) -> str:
    name = info.get("title") or info.get("name") or "file"
    url = info.get("permalink") or info.get("url_private")
    return f"[{name}]({url})" if url else str(name)


_ANGLE = re.compile(r"<([^<>\n]+)>")
# The mark first, then the look-behind at it (`(?<![\w*]\*)` after the `*` is
# `(?<![\w*])` before it): a pattern that starts with a literal is searched for by
# that character, not tried at every position of the text.
_BOLD = re.compile(r"\*(?<![\w*]\*)([^*\n]+)\*(?![\w*])")
_ITALIC = re.compile(r"_(?<![\w_]_)([^_\n]+)_(?![\w_])")
_STRIKE = re.compile(r"~(?<![\w~]~)([^~\n]+)~(?![\w~])")
_CODE = re.compile(r"(```[\s\S]*?```|`[^`\n]*`)")


def to_markdown(text: str, users: dict[str, str], channels: dict[str, str]) -> str:
    """Slack's mrkdwn as Markdown: mentions named, links as `[text](url)`, `*bold*`
    as `**bold**`; code spans are left as they are."""
    parts = _CODE.split(text) if "`" in text else [text]
    for index in range(0, len(parts), 2):
        part = parts[index]
        if "<" in part:
            part = _ANGLE.sub(lambda m: _angle(m[1], users, channels), part)
        # Replacement functions, not templates: `re` expands a template in Python
        # for every match, several times slower.
        if "*" in part:
            part = _BOLD.sub(lambda m: "**" + m[1] + "**", part)
        if "_" in part:
            part = _ITALIC.sub(lambda m: "*" + m[1] + "*", part)
        if "~" in part:
            part = _STRIKE.sub(lambda m: "~~" + m[1] + "~~", part)
        parts[index] = part
    text = "".join(parts)
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _angle(inner: str, users: dict[str, str], channels: dict[str, str]) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label or users.get(target[1:], target[1:]))
    if target.startswith("#"):
        return "#" + (label or channels.get(target[1:], target[1:]))
    if target.startswith("!"):
        word = target[1:].split("^")[0]
        return label or ("@" + word)
    return f"[{label}]({target})" if label else f"<{target}>"
