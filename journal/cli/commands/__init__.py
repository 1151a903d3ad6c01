"""Command modules: each keeps its own `commands = typer.Typer()`; `journal.cli.app`
mounts them (they never import the app back)."""
