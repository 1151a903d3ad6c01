"""Alerting and paging webhook payloads into events: Prometheus Alertmanager and
Grafana, PagerDuty (v3), Opsgenie, Sentry.

Alertmanager and Grafana send a group of alerts (Grafana's unified alerting uses
Alertmanager's shape and adds `orgId`, `title`, `state` and per-alert panel links).
Each alert becomes one event: a firing alert at its `startsAt` (state `firing`), a
resolved one at its `endsAt` (state `resolved`). The id is
`<source>:<fingerprint>:<startsAt>:<status>`, so a repeat notification of the same
alert adds nothing.

The others send one change of one incident or alert; its state maps to an event kind
through `Options.kind` (triggered → firing, acknowledged, resolved; anything else a
note). Ids are the source's own: the webhook event's id, or the alert id with the
action and its time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from journal.ingest.common import Event, Options, bad, event, from_iso

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_ZERO = "0001-01-01T00:00:00Z"  # Go's zero time: an `endsAt` not known yet
_UNSHOWN = ("alertname", "journal_session")  # labels an event's text leaves out


def _first(data: dict[str, Any], *keys: str) -> Any:
    """`data.get(keys[0]) or data.get(keys[1]) or …`: the first true value."""
    return next((data[key] for key in keys if data.get(key)), data.get(keys[-1]))


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
    summary = _first(annotations, "summary", "description", "message") or ""
    shown = [f"{k}={v}" for k, v in sorted(labels.items()) if k not in _UNSHOWN]
    extra = ", ".join(shown[:6])
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
        link=_first(alert, "panelURL", "generatorURL"),
    )


def _fingerprint(labels: dict[str, Any]) -> str:
    """Alertmanager's fingerprint is a hash of the labels; older senders omit it."""
    import hashlib

    text = "\x00".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def severity(data: dict[str, Any]) -> str | None:
    """The severity label of the firing alerts (the common one first)."""
    labels = [data.get("commonLabels"), *(a.get("labels") for a in _firing(data))]
    found = ((each or {}).get("severity") for each in labels)
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
    name = (data.get("commonLabels") or {}).get("alertname") or "Alert"
    summary = (data.get("commonAnnotations") or {}).get("summary")
    return f"{name}: {summary}" if summary else str(data.get("title") or name)


def is_pagerduty(data: Any) -> bool:
    inner = data.get("event") if isinstance(data, dict) else None
    return isinstance(inner, dict) and str(inner.get("event_type", "")).startswith(
        ("incident.", "service.")
    )


def is_opsgenie(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("alert"), dict)
        and isinstance(data.get("action"), str)
        and "alertId" in data["alert"]
    )


def is_sentry(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("data"), dict)
        and isinstance(data.get("action"), str)
        and any(k in data["data"] for k in ("issue", "event", "metric_alert", "error"))
    )


_PD_STATES = {
    "incident.triggered": "firing",
    "incident.acknowledged": "acknowledged",
    "incident.resolved": "resolved",
}


def pagerduty(data: dict[str, Any], options: Options, *, where: str) -> Iterator[Event]:
    inner = data["event"]
    kind = str(inner["event_type"])
    incident = inner.get("data") or {}
    moment = from_iso(inner.get("occurred_at"), where=where)
    agent = (inner.get("agent") or {}).get("summary")
    title = incident.get("title") or incident.get("summary") or ""
    number = incident.get("number")
    label = kind.removeprefix("incident.").replace("_", " ")
    text = f"PagerDuty incident #{number} {label}" if number else f"PagerDuty {label}"
    if title:
        text += f": {title}"
    if incident.get("content"):  # incident.annotated: the note itself
        text += f"\n{incident['content']}"
    ident = inner.get("id")
    if not ident:
        raise bad("the event has no id", "send PagerDuty v3 webhooks", where=where)
    yield event(
        moment.astimezone(options.tz),
        options.kind(_PD_STATES.get(kind, "other")),
        text,
        source="pagerduty",
        ident=f"pagerduty:{ident}",
        by=agent,
        link=incident.get("html_url"),
    )


_OG_STATES = {"Create": "firing", "Acknowledge": "acknowledged", "Close": "resolved"}


def opsgenie(data: dict[str, Any], options: Options, *, where: str) -> Iterator[Event]:
    alert = data["alert"]
    action = data["action"]
    stamp = _first(alert, "updatedAt", "createdAt")
    moment = _epoch_any(stamp, where=where)
    text = f"Opsgenie {action}: {alert.get('message') or alert.get('alias') or ''}"
    if alert.get("note"):
        text += f"\n{alert['note']}"
    by = alert.get("username") or (data.get("source") or {}).get("name")
    yield event(
        moment.astimezone(options.tz),
        options.kind(_OG_STATES.get(action, "other")),
        text.rstrip(": "),
        source="opsgenie",
        ident=f"opsgenie:{alert['alertId']}:{action}:{stamp}",
        by=by,
    )


def _epoch_any(value: Any, *, where: str) -> datetime:
    """Opsgenie writes milliseconds (`createdAt`) or nanoseconds (`updatedAt`)."""
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise bad(
            "the alert has no time (createdAt / updatedAt)",
            "send Opsgenie's webhook payload as it is",
            where=where,
        )
    seconds = float(value)
    while seconds > 1e11:  # milliseconds, microseconds, nanoseconds
        seconds /= 1000
    return datetime.fromtimestamp(seconds, UTC)


_SENTRY_STATES = {
    "created": "firing",
    "triggered": "firing",
    "critical": "firing",
    "assigned": "acknowledged",
    "resolved": "resolved",
}


def sentry(data: dict[str, Any], options: Options, *, where: str) -> Iterator[Event]:
    action = data["action"]
    body = data["data"]
    item = _first(body, "issue", "event", "metric_alert", "error") or {}
    seen = ("lastSeen",) if action == "resolved" else ()
    when = _first(item, *seen, "firstSeen", "datetime", "date_detected", "date_started")
    if isinstance(when, int | float) and not isinstance(when, bool):
        moment = datetime.fromtimestamp(float(when), UTC)
    else:
        moment = from_iso(when, where=where)
    title = body.get("description_title") or _first(item, "title", "culprit") or "issue"
    short = item.get("shortId")
    text = f"Sentry {action}: " + (f"{short} " if short else "") + str(title)
    ident = item.get("id") or item.get("event_id")
    if not ident:
        raise bad("the payload has no issue or event id", "send it as is", where=where)
    yield event(
        moment.astimezone(options.tz),
        options.kind(_SENTRY_STATES.get(action, "other")),
        text,
        source="sentry",
        ident=f"sentry:{ident}:{action}",
        by=(data.get("actor") or {}).get("name"),
        link=item.get("web_url") or item.get("permalink") or body.get("web_url"),
    )
