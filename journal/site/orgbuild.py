"""Building one site from several journals, from any folder: the journals named by
`--journal` or by `site.journals` in that folder's journal.yaml, built into its
`site/` (`site.site_dir`) through the same builders as a journal's own site."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from journal.errors import UsageError
from journal.site.build import SiteBuild, build_strict, builder_for, configured
from journal.site.orgpages import OrgPlace, generate_org
from journal.store.locate import CONFIG_NAME

if TYPE_CHECKING:
    from journal.site.org import Member
    from journal.site.pages import Generated
    from journal.store.config import Config

STATE = ".journal-site"


@dataclass
class OrgBuild:
    """A built site of several journals; `notes` say which names were changed."""

    build: SiteBuild
    journals: list[str]
    notes: list[str] = field(default_factory=list)


def saved_journals(root: Path) -> list[Path]:
    """The journals `site.journals` names in `root`'s journal.yaml (none without)."""
    config = own_config(root)
    return [] if config is None else [root / p for p in config.site.journals]


def own_config(root: Path) -> Config | None:
    from journal.store.config import load_config

    return load_config(root) if (root / CONFIG_NAME).is_file() else None


def place_for(root: Path, site_dir: Path | None) -> tuple[OrgPlace, str, str]:
    """Where to generate and build; with the builder and configuration file named
    by the folder's own journal.yaml, if it has one."""
    config = own_config(root)
    site = config.site if config is not None else None
    docs = root / (site.docs_dir if site else f"{STATE}/docs")
    target = site_dir or root / (site.site_dir if site else "site")
    place = OrgPlace(
        root=root.resolve(),
        docs_dir=docs.resolve(),
        site_dir=target.resolve(),
        state_dir=(root / STATE / "org").resolve(),
        title=site.title if site and site.title != "Journal" else "Journals",
        home_sessions=site.home_sessions if site else 100,
    )
    return place, site.builder if site else "mkdocs", site.config_file if site else ""


def _source_config(place: OrgPlace, config_file: str) -> Path:
    from journal.site.template import mkdocs_yml
    from journal.store.files import atomic_write

    if config_file and (place.root / config_file).is_file():
        return place.root / config_file
    source = place.state_dir / "mkdocs-source.yml"
    text = mkdocs_yml(place.title)
    if not source.is_file() or source.read_text(encoding="utf-8") != text:
        source.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(source, text)
    return source


def prepare_org(
    members: list[Member],
    place: OrgPlace,
    config_file: str,
    *,
    offline: bool,
    keep_going: bool,
) -> tuple[Generated, Path, list[str]]:
    """Generate the pages and the builder configuration for a site of journals."""
    generated = generate_org(members, place, offline=offline, keep_going=keep_going)
    source = _source_config(place, config_file)
    return configured(generated, source, site_dir=place.site_dir, offline=offline)


def build_org_site(
    journals: list[Path],
    *,
    root: Path,
    offline: bool = False,
    builder: str | None = None,
    site_dir: Path | None = None,
    keep_going: bool = False,
    force: bool = False,
) -> OrgBuild:
    """Generate the pages of every journal and build them in strict mode (into a
    staging folder, then moved into the site folder: journal.site.writer)."""
    from journal.site.org import open_members
    from journal.site.writer import claim, install

    if not journals:
        raise UsageError(
            "no journals to build a site from",
            "name them with --journal PATH, or list them in site.journals",
        )
    members, notes = open_members(journals)
    place, configured, config_file = place_for(root, site_dir)
    chosen = builder_for(builder or configured)
    _refuse_overlap(members, place.site_dir)
    final = place.site_dir
    owned = claim(final, force=force)
    place = replace(place, site_dir=(place.docs_dir.parent / "built").resolve())
    generated, config, warnings = prepare_org(
        members, place, config_file, offline=offline, keep_going=keep_going
    )
    seconds, dangling = build_strict(chosen, config, cwd=place.root)
    install(place.site_dir, owned)
    site = SiteBuild(
        generated, config, final, chosen.name, seconds, warnings + dangling
    )
    return OrgBuild(site, [m.name for m in members], notes)


def _refuse_overlap(members: list[Member], site: Path) -> None:
    # Builders replace the site folder whole: it must never hold a journal.
    for member in members:
        if member.journal.root.is_relative_to(site):
            raise UsageError(
                f"the site folder {site} would hold the journal {member.journal.root}",
                "build the site into a folder of its own (-o)",
            )
