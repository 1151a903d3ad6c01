"""The journal on disk: finding it, its configuration, session ids, atomic locked files,
YAML in and out, the append-only timeline, caches. Imports `journal.model` and the root
helpers (`errors`, `when`, `record`) only; never git, Jinja or the CLI."""
