"""The command fuzzer, long profile: thousands of hostile argument vectors, seeded.

    python bench/fuzz.py                        # 5,000 runs, a new seed (printed)
    python bench/fuzz.py --seed 42 --runs 800   # the same vectors again
    python bench/fuzz.py --figures fuzz.json    # also write the figures as JSON

The vectors, the journals they run against and the property are those of the quick
profile (`tests/test_fuzz_commands.py`, `tests/fuzz_support.py`). Prints the seed,
then every failing vector as it happens (`NEW` for a defect nobody listed, `item N`
for one on the allow-list), then the figures. Exit status 1 when a run found a NEW
defect.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzz_campaign import Campaign, Finding, describe, run_campaign
from tests.fuzz_sandbox import make_template
from tests.fuzz_support import vectors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--subprocess-share", type=float, default=0.1)
    parser.add_argument("--figures", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    print(f"journal fuzz: seed {seed}, {args.runs:,} runs", flush=True)

    def progress(number: int, finding: Finding | None) -> None:
        if finding:
            print(describe(finding), flush=True)
        if (number + 1) % 500 == 0:
            print(f"… {number + 1:,} runs", flush=True)

    with tempfile.TemporaryDirectory(prefix="journal-fuzz-") as tmp:
        templates = make_template(Path(tmp) / "template")
        made = vectors(seed, args.runs, subprocess_share=args.subprocess_share)
        campaign = run_campaign(seed, made, templates, Path(tmp), progress=progress)
    figures = summary(campaign)
    print(json.dumps(figures, indent=2))
    if args.figures:
        args.figures.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    return 1 if campaign.new else 0


def summary(campaign: Campaign) -> dict[str, object]:
    """The figures of a campaign, as docs/reliability.md shows them."""
    by_item: dict[str, int] = {}
    for finding in campaign.findings:
        key = f"item {finding.item}" if finding.item else "new"
        by_item[key] = by_item.get(key, 0) + 1
    return {
        "seed": campaign.seed,
        "runs": campaign.runs,
        "subprocess_runs": campaign.subprocess_runs,
        "commands": len(campaign.commands),
        "exit_codes": {
            str(k): v for k, v in sorted((campaign.failures_by_exit or {}).items())
        },
        "failing_runs": len(campaign.findings),
        "failing_by_item": dict(sorted(by_item.items())),
        "new_defects": len(campaign.new),
        "internal_errors": campaign.internal_errors,
        "internal_errors_new": sum(
            1
            for f in campaign.new
            if any(p in ("an internal error", "a traceback") for p in f.problems)
        ),
        "seconds": round(campaign.seconds, 1),
    }


if __name__ == "__main__":
    sys.exit(main())
