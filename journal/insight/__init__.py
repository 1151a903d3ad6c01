"""What the journal knows across sessions: per-session metrics and their aggregates,
follow-ups, the lint rules of `journal check`, related sessions and hotspots. Imports
the store and the model (and `gitlink`'s one git seam); never operations or the CLI."""
