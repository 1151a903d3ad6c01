"""The `mkdocs.yml` that `journal init` writes for a new journal."""

from __future__ import annotations

MKDOCS_YML = """\
# The journal's site. `journal site build` generates the pages into docs_dir (it is
# git-ignored and rewritten on every build), then builds this configuration in strict
# mode; `journal site serve` previews it live. journal adds the navigation, its CSS
# and JavaScript and a local Mermaid to a copy of this file: edit theme and
# extensions here.
site_name: {title}
docs_dir: .journal-site/docs
site_dir: site
theme:
  name: material
  font: false           # system fonts: no request to a font CDN when viewed
  features:
    - navigation.sections
    - navigation.top
    - search.highlight
    - search.suggest
    - content.code.copy
plugins:
  - search
markdown_extensions:
  - tables
  - attr_list
  - admonition
  - toc:
      permalink: true
  - pymdownx.highlight
  - pymdownx.tasklist:   # success criteria and next steps as checkboxes
      custom_checkbox: true
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""


def mkdocs_yml(title: str = "Journal") -> str:
    import html
    import json

    # A JSON string is a valid YAML scalar: any title stays one plain value. Themes
    # print `site_name` as HTML, so it is escaped for HTML first.
    name = html.escape(" ".join(title.split()), quote=True)
    return MKDOCS_YML.format(title=json.dumps(name, ensure_ascii=False))
