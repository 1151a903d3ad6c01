"""Secrets never reach disk; ordinary incident text is never touched.

Two corpora, both generated here (never a real credential): secrets built from random
characters in the exact shape of each kind, and ordinary incident lines full of
things that look random but are not secret (SHAs, UUIDs, IPs, image digests, pod
names, URLs). The library is checked on every line; the real commands (`log`,
`exec`, `set`, `import`) are checked end to end by searching every byte the journal
wrote for any secret.
"""

from __future__ import annotations

import base64
import json
import os
import random
import string
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from journal.operations.redact import redact
from tests.conftest import Cli
from tests.figures import record

SEED = int(os.environ.get("REDACT_SEED", "8"))
UPPER = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
PASSWORD = ALNUM + "!#%*+-.^~"


@dataclass(frozen=True)
class Secret:
    name: str
    line: str
    """The text as it would be pasted into the journal."""
    cores: tuple[str, ...]
    """Parts that must not survive redaction."""
    kinds: frozenset[str]
    """Kinds any of which may name the redaction."""


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _pem(rng: random.Random, label: str, lines: int = 6) -> str:
    body = "\n".join(_r(rng, B64, 64) for _ in range(lines))
    return (
        f"-----BEGIN {label}-----\n{body}\n{_r(rng, B64, 20)}==\n-----END {label}-----"
    )


# fmt: off
def secret_corpus(seed: int = SEED) -> list[Secret]:
    rng = random.Random(seed)
    out: list[Secret] = []

    def add(name: str, line: str, *cores: str, kinds: str) -> None:
        out.append(Secret(name, line, cores, frozenset(kinds.split())))

    akid = "AKIA" + _r(rng, UPPER, 16)
    add("AWS access key id (env)", f"export AWS_ACCESS_KEY_ID={akid}", akid,
        kinds="aws-access-key-id")
    asia = "ASIA" + _r(rng, UPPER, 16)
    add("AWS temporary key id (prose)", f"the build log printed {asia} twice", asia,
        kinds="aws-access-key-id")
    sk = _r(rng, B64, 40)
    add("AWS secret access key (env)", f"AWS_SECRET_ACCESS_KEY={sk} terraform apply", sk,
        kinds="aws-secret-access-key password")
    sk2 = _r(rng, B64, 40)
    add("AWS secret access key (credentials file)",
        f"[default]\naws_access_key_id = AKIA{_r(rng, UPPER, 16)}\naws_secret_access_key = {sk2}",
        sk2, kinds="aws-secret-access-key")
    sk3, token = _r(rng, B64, 40), "FwoGZXIvYXdzE" + _r(rng, B64, 180)
    add("AWS STS JSON (secret and session token)",
        f'{{"Credentials": {{"AccessKeyId": "ASIA{_r(rng, UPPER, 16)}", '
        f'"SecretAccessKey": "{sk3}", "SessionToken": "{token}"}}}}',
        sk3, token, kinds="aws-secret-access-key aws-session-token")
    pem = _pem(rng, "PRIVATE KEY", 8).replace("\n", "\\n")
    add("GCP service-account JSON",
        json.dumps({"type": "service_account", "project_id": "prod-123",
                    "private_key_id": _r(rng, HEX, 40)}).rstrip("}")
        + f', "private_key": "{pem}\\n", "client_email": "ci@prod-123.iam.gserviceaccount.com"}}',
        pem.split("\\n")[2], pem.split("\\n")[5], kinds="private-key gcp-private-key")
    aiza = "AIza" + _r(rng, URLSAFE, 35)
    add("Google API key", f"maps key {aiza} in the frontend bundle", aiza,
        kinds="google-api-key")
    gocspx = "GOCSPX-" + _r(rng, URLSAFE, 28)
    add("Google OAuth client secret", f"oauth client secret is {gocspx}", gocspx,
        kinds="google-oauth-secret")
    ghp = "ghp_" + _r(rng, ALNUM, 36)
    add("GitHub classic token", f"git push https://github.com/org/repo with {ghp}", ghp,
        kinds="github-token")
    pat = "github_pat_" + _r(rng, ALNUM, 22) + "_" + _r(rng, ALNUM, 59)
    add("GitHub fine-grained token", f"GH_TOKEN={pat}", pat, kinds="github-token")
    ghs = "ghs_" + _r(rng, ALNUM, 36)
    add("GitHub Actions token in a clone URL",
        f"git clone https://x-access-token:{ghs}@github.com/org/repo.git", ghs,
        kinds="github-token url-password")
    glpat = "glpat-" + _r(rng, URLSAFE, 20)
    add("GitLab personal token", f"curl --header 'PRIVATE-TOKEN: {glpat}' https://gitlab.example.com/api/v4/projects",
        glpat, kinds="gitlab-token")
    glpat2 = "glpat-" + _r(rng, URLSAFE, 27) + ".01." + _r(rng, string.ascii_lowercase + string.digits, 9)
    add("GitLab routable token", f"new token {glpat2} issued", glpat2,
        kinds="gitlab-token")
    glrt = "glrt-" + _r(rng, URLSAFE, 20)
    add("GitLab runner token", f"gitlab-runner register --token {glrt}", glrt,
        kinds="gitlab-token")
    xoxb = f"xoxb-{_r(rng, string.digits, 11)}-{_r(rng, string.digits, 13)}-{_r(rng, ALNUM, 24)}"
    add("Slack bot token", f"SLACK_BOT_TOKEN={xoxb}", xoxb, kinds="slack-token")
    xoxp = f"xoxp-{_r(rng, string.digits, 11)}-{_r(rng, string.digits, 11)}-{_r(rng, string.digits, 13)}-{_r(rng, HEX, 32)}"
    add("Slack user token", f"used {xoxp} from the old bot", xoxp, kinds="slack-token")
    xapp = f"xapp-1-A{_r(rng, UPPER, 10)}-{_r(rng, string.digits, 13)}-{_r(rng, HEX, 64)}"
    add("Slack app-level token", f"socket mode token {xapp}", xapp, kinds="slack-token")
    hook = f"https://hooks.slack.com/services/T{_r(rng, UPPER, 8)}/B{_r(rng, UPPER, 10)}/{_r(rng, ALNUM, 24)}"
    add("Slack webhook", f"alerts go to {hook} now", hook.rsplit("/", 1)[1],
        kinds="slack-webhook")
    trig = f"https://hooks.slack.com/triggers/T{_r(rng, UPPER, 8)}/{_r(rng, string.digits, 13)}/{_r(rng, HEX, 32)}"
    add("Slack workflow webhook", f"workflow trigger {trig}", trig.rsplit("/", 1)[1],
        kinds="slack-webhook")
    discord = f"https://discord.com/api/webhooks/{_r(rng, string.digits, 18)}/{_r(rng, URLSAFE, 68)}"
    add("Discord webhook", f"status bot posts to {discord}", discord.rsplit("/", 1)[1],
        kinds="discord-webhook")
    opaque = _r(rng, URLSAFE, 40)
    add("Authorization header in curl",
        f'curl -sS -H "Authorization: Bearer {opaque}" https://api.example.com/v1/jobs',
        opaque, kinds="authorization")
    bearer = _r(rng, ALNUM + "-._~", 32)
    add("Bearer token in prose", f"retried with Bearer {bearer} and got 200", bearer,
        kinds="bearer-token")
    basic = base64.b64encode(f"deploy:{_r(rng, ALNUM, 16)}".encode()).decode()
    add("Basic auth header", f"Proxy-Authorization: Basic {basic}", basic,
        kinds="authorization")
    header = _b64url(b'{"alg":"HS256","typ":"JWT"}')
    payload = _b64url(json.dumps({"sub": _r(rng, string.digits, 8), "exp": 1762218000}).encode())
    jwt = f"{header}.{payload}.{_b64url(rng.randbytes(32))}"
    add("JWT", f"session cookie was {jwt}", jwt, kinds="jwt")
    pg = _r(rng, PASSWORD, 18)
    add("PostgreSQL URL password",
        f"DATABASE_URL=postgresql://app:{pg}@db.internal:5432/app", pg,
        kinds="url-password")
    redis = _r(rng, ALNUM, 24)
    add("Redis URL with an empty user", f"redis://:{redis}@cache-01:6379/0 refused", redis,
        kinds="url-password")
    mongo = _r(rng, ALNUM, 10) + "%40" + _r(rng, ALNUM, 8)
    add("MongoDB SRV URL", f"mongodb+srv://admin:{mongo}@cluster0.ab1cd.mongodb.net/prod",
        mongo, kinds="url-password")
    for label in ("RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY",
                  "ENCRYPTED PRIVATE KEY"):
        block = _pem(rng, label)
        add(f"PEM {label}", f"found in the repo:\n{block}\nremoved it",
            block.splitlines()[1], block.splitlines()[4], kinds="private-key")
    pgp = _pem(rng, "PGP PRIVATE KEY BLOCK", 5)
    add("PGP private key block", pgp, pgp.splitlines()[2], kinds="private-key")
    pw = _r(rng, PASSWORD, 14)
    add("password= in a connection string",
        f"Server=sql01;Database=app;User Id=sa;password={pw};", pw, kinds="password")
    pw2 = _r(rng, PASSWORD, 12)
    add("DB_PASSWORD env var", f"DB_PASSWORD={pw2} docker compose up", pw2,
        kinds="password")
    pw3 = _r(rng, ALNUM, 12)
    add("PGPASSWORD env var", f"PGPASSWORD={pw3} psql -h db.internal", pw3,
        kinds="password")
    sec = _r(rng, ALNUM, 32)
    add("secret: in YAML", f"jwt:\n  secret: {sec}\n  ttl: 3600", sec, kinds="password")
    api = _r(rng, HEX, 32)
    add("api_key: quoted", f'api_key: "{api}"', api, kinds="password")
    word = _r(rng, string.ascii_lowercase, 8)
    add("quoted password with spaces", f'"password": "correct horse {word} staple"',
        word, kinds="password")
    cs = _r(rng, URLSAFE, 34)
    add("OAuth client_secret", f"client_id=web&client_secret={cs}&grant_type=refresh",
        cs, kinds="password")
    flag = _r(rng, PASSWORD, 16)
    add("--password flag", f"mysqldump --user root --password {flag} app", flag,
        kinds="password")
    xkey = _r(rng, ALNUM, 40)
    add("X-API-Key header", f"X-API-Key: {xkey}", xkey, kinds="password")
    stripe = "sk_live_" + _r(rng, ALNUM, 24)
    add("Stripe live key", f"charged with {stripe}", stripe, kinds="stripe-key")
    openai = "sk-proj-" + _r(rng, URLSAFE, 48)
    add("OpenAI project key", f"OPENAI_API_KEY={openai}", openai,
        kinds="openai-key password")
    npm = "npm_" + _r(rng, ALNUM, 36)
    add("npm token", f"//registry.npmjs.org/:_authToken={npm}", npm,
        kinds="npm-token password")
    pypi = "pypi-AgEIcHlwaS5vcmc" + _r(rng, URLSAFE, 60)
    add("PyPI token", f"twine upload -p {pypi} dist/*", pypi, kinds="pypi-token")
    sg = f"SG.{_r(rng, URLSAFE, 22)}.{_r(rng, URLSAFE, 43)}"
    add("SendGrid key", f"mailer used {sg}", sg, kinds="sendgrid-key")
    account = _r(rng, B64, 86) + "=="
    add("Azure storage connection string",
        f"DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey={account};EndpointSuffix=core.windows.net",
        account, kinds="password")
    dckr = "dckr_pat_" + _r(rng, URLSAFE, 27)
    add("Docker Hub token", f"docker login -u ci -p {dckr}", dckr, kinds="docker-token")
    hvs = "hvs." + _r(rng, URLSAFE, 90)
    add("Vault token", f"VAULT_TOKEN={hvs} vault kv get secret/app", hvs,
        kinds="vault-token password")
    return out


def ordinary_corpus(seed: int = SEED) -> list[str]:
    """Incident text that looks random in places and holds no secret."""
    rng = random.Random(seed + 1)
    sha7, sha12, sha40 = _r(rng, HEX, 7), _r(rng, HEX, 12), _r(rng, HEX, 40)
    uuid = "-".join(_r(rng, HEX, n) for n in (8, 4, 4, 4, 12))
    digest = _r(rng, HEX, 64)
    pod = f"api-{_r(rng, HEX[:10] + 'bcdf', 10)}-{_r(rng, string.ascii_lowercase + string.digits, 5)}"
    b64name = _b64url(rng.randbytes(18))
    return [
        f"Rolled back to {sha7} after the deploy of {sha40}",
        f"Fix landed in {sha12} (cherry-picked onto release/2025.11)",
        f"request {uuid} failed with 500 Internal Server Error",
        f"trace id {_r(rng, HEX, 32)} spans the worker and the API",
        "10.0.12.7:5432 refused connections from 10.0.3.21",
        "IPv6 peer 2001:db8::8a2e:370:7334 and [fe80::1%eth0]:8080 timed out",
        f"image gcr.io/prod-123/api@sha256:{digest} pulled",
        f"uploaded screenshot-{b64name}.png and iVBORw0KGgoAAAANSUhEUgAA-thumb.png",
        f"pod {pod} in CrashLoopBackOff, worker-5f6d7c8b9-abcde OOMKilled",
        "Grafana https://grafana.example.com/d/AbCdEf123/api-latency?orgId=1&from=now-1h",
        "runbook at https://wiki.example.com/ops/runbooks/db-failover#step-3",
        "connected to postgresql://db.internal:5432/app without a password prompt",
        "ssh://git@github.com/org/repo.git and git@gitlab.com:group/sub/repo.git",
        "password reset emails failing for 20% of users since 01:02",
        "token bucket rate limiter dropped 5% of requests",
        "Authorization service latency p99 at 2.3 s",
        "secret rotation job ran at 01:00 and succeeded",
        "Error: secret 'db-credentials' not found in namespace prod",
        "kubectl get secret db-creds -o yaml showed the old version",
        "api_key rotation is scheduled for Friday",
        "Bearer auth middleware rejected 4% of requests",
        "JWT validation failing: exp claim in the past",
        "max_tokens=4096 in the summariser call, tokenizer=sentencepiece",
        "PASSWORD_HASHER=argon2 and password_min_length=12 in settings",
        "sk-learn model retrained on the new features",
        "The Password field label is misaligned on the login page",
        f"checksum {digest} matches the release manifest",
        "curl -s https://api.example.com/healthz returned 503 three times",
        "email from noreply@example.com bounced; see https://status.example.com",
        'File "/app/models/organization.py", line 115, in <module>',
        "DNS for api.example.com resolved to 203.0.113.10 instead of 198.51.100.7",
        "Error 401: Authorization required for /admin",
        f"build {rng.randint(10**9, 10**10)} of pipeline deploy-prod failed",
        "deployment api-7d9f8b6c5d rolled out 3/3 replicas",
        "is_secret=true flag was ignored by the serializer",
        "export PGPASSWORD=$PGPASSWORD_FROM_VAULT before running the job",
        "set password: <your password> in the template, not a real one",
        "Error: invalid token: expired at 01:02",
        "login failed: password: incorrect for user alice",
        "credentials: mounted from /var/run/secrets/db",
        "tokens: 4096 per request, secret: none configured",
        "api_key: ApiKey = Depends(get_api_key) in the FastAPI route",
        'password = os.environ["DB_PASSWORD"] reads it from the environment',
        "token = vault.read_token(path) and secret=get_secret('db')",
    ]


# fmt: on


SECRETS = secret_corpus()
ORDINARY = ordinary_corpus()


def test_the_corpora_are_large_enough() -> None:
    assert len(SECRETS) >= 30
    assert len(ORDINARY) >= 30
    assert len({s.name for s in SECRETS}) == len(SECRETS)
    kinds = sorted({k for s in SECRETS for k in s.kinds})
    record("secrets", {"secrets": len(SECRETS), "ordinary_lines": len(ORDINARY),
                       "kinds": len(kinds), "seed": SEED})  # fmt: skip


@pytest.mark.parametrize("secret", SECRETS, ids=[s.name for s in SECRETS])
def test_every_secret_is_redacted(secret: Secret) -> None:
    result = redact(secret.line)
    for core in secret.cores:
        assert core not in result.text, result.text
    assert result.kinds, result.text
    assert set(result.kinds) & secret.kinds, (result.kinds, result.text)
    assert "[REDACTED:" in result.text
    assert redact(result.text).text == result.text  # idempotent: never re-redacted


@pytest.mark.parametrize("line", ORDINARY)
def test_ordinary_incident_text_is_untouched(line: str) -> None:
    result = redact(line)
    assert result.text == line
    assert result.kinds == ()


def test_all_secrets_in_one_text_are_all_redacted_and_the_rest_kept() -> None:
    # Every secret, each after an ordinary line (the ordinary lines taken in turn,
    # round again when there are more secrets than lines).
    pairs = [(ORDINARY[n % len(ORDINARY)], s) for n, s in enumerate(SECRETS)]
    assert [s for _, s in pairs] == SECRETS
    text = "\n".join(f"{o}\n{s.line}" for o, s in pairs)
    result = redact(text)
    left = [s.name for s in SECRETS for core in s.cores if core in result.text]
    assert left == []
    for line in ORDINARY:
        assert line in result.text
    unnamed = [s.name for s in SECRETS if not s.kinds & set(result.kinds)]
    assert unnamed == []


def test_config_patterns_add_kinds_of_secret() -> None:
    text = "ticket INC-SECRET-4411 and build 4411"
    assert redact(text).text == text
    result = redact(text, extra_patterns=[r"INC-SECRET-\d+"])
    assert result.text == "ticket [REDACTED:custom] and build 4411"
    assert result.kinds == ("custom",)


def test_redaction_is_fast_on_ordinary_text() -> None:
    # It runs on every `journal log`: a page of ordinary text must cost well under a
    # millisecond per line even when most anchors are present.
    text = "\n".join(ORDINARY)
    redact(text)  # compile once
    started = time.perf_counter()
    for _ in range(20):
        redact(text)
    per_line = (time.perf_counter() - started) / 20 / len(ORDINARY)
    assert per_line < 0.001


def test_no_quadratic_blowup_on_long_words() -> None:
    text = ("password" + "a" * 50_000 + " ") * 2 + "token" * 20_000
    started = time.perf_counter()
    redact(text)
    assert time.perf_counter() - started < 2.0


# --- end to end: every command that captures text ------------------------------


def _tree_bytes(root: Path) -> bytes:
    """Every byte the journal holds on disk (git's own folder excluded)."""
    blobs = [
        p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    ]
    return b"\n".join(blobs)


def _assert_no_secret_on_disk(root: Path, secrets: list[Secret]) -> None:
    disk = _tree_bytes(root)
    leaked = [
        s.name for s in secrets for core in s.cores if core.encode("utf-8") in disk
    ]
    assert leaked == []
    # JSON escaping must not hide a leak either: check the decoded events too.
    for timeline in root.glob("sessions/*/timeline.yaml"):
        for line in timeline.read_text("utf-8").splitlines():
            text = json.dumps(json.loads(line[2:]), ensure_ascii=False)
            assert not [s.name for s in secrets for c in s.cores if c in text]


def _corpus_text() -> str:
    return "\n".join(s.line for s in SECRETS)


def test_log_redacts_every_secret(cli: Cli, session_id: str) -> None:
    for secret in SECRETS:
        out = cli.ok("log", "--json", "--", secret.line)
        assert json.loads(out.out)["redacted"], secret.name
    _assert_no_secret_on_disk(cli.root, SECRETS)


def test_log_keeps_ordinary_text_exactly(cli: Cli, session_id: str) -> None:
    text = "\n".join(ORDINARY)
    out = json.loads(cli.ok("log", text, "--json").out)
    assert out["redacted"] == []
    assert out["event"]["text"] == text


def test_exec_redacts_output_command_and_evidence(
    cli: Cli, session_id: str, tmp_path: Path
) -> None:
    script = tmp_path / "leak.py"
    script.write_text(f"print({_corpus_text()!r})\n", encoding="utf-8")
    token = next(s for s in SECRETS if s.name == "GitHub classic token")
    header = next(s for s in SECRETS if s.name == "Authorization header in curl")
    result = cli("exec", "--", sys.executable, str(script), token.line, header.line)
    assert result.code == 0, result.err
    _assert_no_secret_on_disk(cli.root, SECRETS)
    event = json.loads(
        (cli.root / "sessions" / session_id / "timeline.yaml")
        .read_text()
        .split("\n")[0][2:]
    )
    assert "[REDACTED:github-token]" in event["command"]
    assert (
        cli.root / "sessions" / session_id / event["evidence"][0]
    ).stat().st_size > 1000


def test_set_redacts_string_values(cli: Cli, session_id: str) -> None:
    out = cli.ok("set", "summary", _corpus_text(), "--json")
    assert len(json.loads(out.out)["redacted"]) >= len(SECRETS)
    assert "secret(s) redacted" in cli.ok("set", "fix.summary", SECRETS[0].line).out
    cli.ok("set", "root_cause.evidence", json.dumps([s.line for s in SECRETS[:5]]))
    _assert_no_secret_on_disk(cli.root, SECRETS)
    from journal.store.sessions import Journal

    session = Journal.open(cli.root).load(session_id)
    assert session.summary is not None and session.summary.count("[REDACTED:") >= len(
        SECRETS
    )
    assert all("[REDACTED:" in e for e in session.root_cause.evidence)  # type: ignore[union-attr]


def test_set_keeps_ordinary_text_exactly(cli: Cli, session_id: str) -> None:
    from journal.store.sessions import Journal

    for line in ORDINARY[:8]:
        cli.ok("set", "root_cause.summary", line)
        assert Journal.open(cli.root).load(session_id).root_cause.summary == line  # type: ignore[union-attr]


def test_import_redacts_every_secret(cli: Cli, tmp_path: Path) -> None:
    report = tmp_path / "SESSION_9_leak.md"
    bullets = "\n".join(
        f"- **01:{n:02d}** - {s.line.splitlines()[0]}" for n, s in enumerate(SECRETS)
    )
    body = "\n\n".join(s.line for s in SECRETS)
    report.write_text(
        "# Session 9: Credentials pasted into the channel\n\n**Date:** 2025-11-05\n\n"
        f"## Summary\n\n{body}\n\n## Timeline\n\n{bullets}\n",
        encoding="utf-8",
    )
    out = json.loads(cli.ok("import", str(report), "--json").out)
    assert out["totals"]["redacted"] >= len(SECRETS)
    _assert_no_secret_on_disk(cli.root, SECRETS)


def test_a_secret_written_again_and_again_never_becomes_a_fact(
    cli: Cli, tmp_path: Path
) -> None:
    # Out of its `DB_PASSWORD=` no redaction rule would know the bare word, so the
    # facts are read from the report once redacted.
    secret = "MossGlenVale"
    report = tmp_path / "leak.md"
    report.write_text(
        "# Leak\n\n## Summary\n\nThe Kestrel job ran with DB_PASSWORD="
        f"{secret} set.\nAgain DB_PASSWORD={secret} on the Kestrel host, and\n"
        f"once more DB_PASSWORD={secret} before Kestrel stopped.\n",
        encoding="utf-8",
    )
    cli.ok("import", str(report))
    disk = b"".join(
        p.read_bytes() for p in (cli.root / "sessions").rglob("*") if p.is_file()
    )
    assert b"Kestrel" in disk and secret.encode() not in disk


def test_no_redact_opts_out_per_command(
    cli: Cli, session_id: str, tmp_path: Path
) -> None:
    from journal.store.sessions import Journal

    ghp = next(s for s in SECRETS if s.name == "GitHub classic token")
    core = ghp.cores[0]
    journal = Journal.open(cli.root)

    cli.ok("log", ghp.line, "--no-redact")
    assert journal.events(session_id)[-1].text == ghp.line, "log"

    cli.ok("set", "summary", ghp.line, "--no-redact")
    assert journal.load(session_id).summary == ghp.line, "set"

    cli.ok("exec", "--no-redact", "--", "echo", core)
    ran = journal.events(session_id)[-1]
    assert core in (ran.command or ""), "exec: the command"
    assert core in (ran.output or ""), "exec: the output"
    (evidence,) = ran.evidence
    stored = cli.root / "sessions" / session_id / evidence
    assert core in stored.read_text("utf-8"), "exec: the evidence file"

    report = tmp_path / "r.md"
    report.write_text(f"# Kept\n\n**Date:** 2025-11-06\n\n## Summary\n\n{ghp.line}\n")
    out = json.loads(cli.ok("import", str(report), "--no-redact", "--json").out)
    (imported,) = out["files"]
    assert core in (journal.load(imported["session_id"]).summary or ""), "import"


def test_config_can_turn_redaction_off_and_add_patterns(
    cli: Cli, session_id: str
) -> None:
    config = cli.root / "journal.yaml"
    text = config.read_text(encoding="utf-8")
    assert "redact_patterns: []" in text and "redact: true" in text
    config.write_text(
        text.replace("redact_patterns: []", 'redact_patterns: ["INC-SECRET-[0-9]+"]'),
        encoding="utf-8",
    )
    out = json.loads(cli.ok("log", "ticket INC-SECRET-4411 leaked", "--json").out)
    assert out["event"]["text"] == "ticket [REDACTED:custom] leaked"
    out = json.loads(cli.ok("set", "summary", "see INC-SECRET-77", "--json").out)
    assert out["redacted"] == ["custom"]
    config.write_text(config.read_text().replace("redact: true", "redact: false"))
    ghp = next(s for s in SECRETS if s.name == "GitHub classic token")
    assert (
        json.loads(cli.ok("log", ghp.line, "--json").out)["event"]["text"] == ghp.line
    )


def test_an_attached_text_file_is_redacted_and_a_binary_one_kept(
    cli: Cli, session_id: str, tmp_path: Path
) -> None:
    """`--attach` copies the file into the session, which lands in git: a secret in
    a pasted log is taken out like one in the event's text (`--no-redact` keeps it)."""
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    log = tmp_path / "deploy.log"
    log.write_text(f"step 1 ok\nexport GITHUB_TOKEN={token}\nstep 2 ok\n")
    binary = tmp_path / "core.bin"
    binary.write_bytes(b"\xff\xfe\x00" + token.encode())
    done = cli.ok("log", "Deploy output", "--attach", str(log), "--attach", str(binary))
    assert "redacted" in done.err + done.out
    evidence = cli.root / "sessions" / session_id / "evidence"
    kept = (evidence / "deploy.log").read_text("utf-8")
    assert token not in kept and "step 1 ok\n" in kept and "step 2 ok\n" in kept
    assert "[REDACTED:github-token]" in kept
    assert (evidence / "core.bin").read_bytes() == binary.read_bytes()
    piped = cli.ok("log", "Piped", "--attach", "-", input=f"token {token}\n")
    assert piped.code == 0
    assert not any(
        token in p.read_text("utf-8", "replace")
        for p in evidence.iterdir()
        if p.name != "core.bin"
    )
    cli.ok("log", "As typed", "--attach", str(log), "--no-redact")
    assert (evidence / "deploy-2.log").read_text("utf-8") == log.read_text("utf-8")
