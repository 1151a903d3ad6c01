"""What the journal knows across sessions: per-session metrics and their aggregates,
follow-ups, and the lint rules of `journal check`. Imports the store and the model (and
`gitlink`'s one git seam); never operations or the CLI."""
