"""Prometheus Alertmanager and Grafana alerting webhook payloads into events.

Both send a group of alerts (Grafana's unified alerting uses Alertmanager's shape and
adds `orgId`, `title`, `state` and per-alert panel links). Each alert becomes one
event: a firing alert at its `startsAt` (state `firing`), a resolved one at its
`endsAt` (state `resolved`). The id is `<source>:<fingerprint>:<startsAt>:<status>`,
so a repeat notification of the same alert adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from journal.ingest.common import Event, Options, bad, event, from_iso

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_ZERO = "0001-01-01T00:00:00Z"  # Go's zero time: an `endsAt` not known yet


def is_alertmanager(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("alerts"), list)
        and ("groupKey" in data or "receiver" in data)
    )


def is_grafana(data: Any) -> bool:
    return is_alertmanager(data) and ("orgId" in data or "state" in data)


def read(data: dict[str, Any], options: Options, *, where: str) -> Iterator[Event]:
    """One event per alert of the group."""
    source = "grafana" if is_grafana(data) else "alertmanager"
    common = data.get("commonLabels") or {}
    for index, alert in enumerate(data["alerts"]):
        if not isinstance(alert, dict):
            raise bad(
                f"alerts[{index}] is not an alert", "check the payload", where=where
            )
        yield _alert(alert, common, source, options, where=f"{where}: alerts[{index}]")


def _alert(
    alert: dict[str, Any],
    common: dict[str, Any],
    source: str,
    options: Options,
    *,
    where: str,
) -> Event:
    status = str(alert.get("status") or "firing")
    labels = alert.get("labels") or {}
    annotations = alert.get("annotations") or {}
    started = alert.get("startsAt")
    resolved = status == "resolved"
    ends = alert.get("endsAt")
    at = ends if resolved and isinstance(ends, str) and ends != _ZERO else started
    moment = from_iso(at, where=where)
    name = labels.get("alertname") or common.get("alertname") or "alert"
    summary = (
        annotations.get("summary")
        or annotations.get("description")
        or annotations.get("message")
        or ""
    )
    extra = _labels(labels)
    text = f"[{status.upper()}] {name}" + (f": {summary}" if summary else "")
    if extra:
        text += f" ({extra})"
    detail = annotations.get("description")
    if detail and detail != summary:
        text += f"\n{detail}"
    if alert.get("valueString"):
        text += f"\nValues: {alert['valueString']}"
    fingerprint = alert.get("fingerprint") or _fingerprint(labels)
    return event(
        moment.astimezone(options.tz),
        options.kind("resolved" if resolved else "firing"),
        text,
        source=source,
        ident=f"{source}:{fingerprint}:{started}:{status}",
        by="Grafana" if source == "grafana" else "Alertmanager",
        link=alert.get("panelURL") or alert.get("generatorURL"),
    )


def _labels(labels: dict[str, Any]) -> str:
    shown = [
        f"{k}={v}"
        for k, v in sorted(labels.items())
        if k not in ("alertname", "journal_session")
    ]
    return ", ".join(shown[:6])


def _fingerprint(labels: dict[str, Any]) -> str:
    """Alertmanager's fingerprint is a hash of the labels; older senders omit it."""
    import hashlib

    text = "\x00".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def severity(data: dict[str, Any]) -> str | None:
    """The severity label of the firing alerts (the common one first)."""
    common = data.get("commonLabels") or {}
    if common.get("severity"):
        return str(common["severity"])
    found = ((a.get("labels") or {}).get("severity") for a in _firing(data))
    return next((str(value) for value in found if value), None)


def first_firing(data: dict[str, Any]) -> str | None:
    """The earliest `startsAt` of the group's firing alerts (a new session's start)."""
    times = [from_iso(a.get("startsAt"), where="the payload") for a in _firing(data)]
    return min(times).isoformat() if times else None


def _firing(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        alert
        for alert in data.get("alerts") or []
        if isinstance(alert, dict) and alert.get("status", "firing") == "firing"
    ]


def title(data: dict[str, Any]) -> str:
    common = data.get("commonLabels") or {}
    annotations = data.get("commonAnnotations") or {}
    name = common.get("alertname") or "Alert"
    summary = annotations.get("summary")
    return f"{name}: {summary}" if summary else str(data.get("title") or name)
