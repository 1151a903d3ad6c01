"""The journal site: Markdown pages generated from the sessions, built by MkDocs."""
