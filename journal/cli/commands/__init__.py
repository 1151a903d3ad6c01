"""Command modules; each registers its commands on `journal.cli.app.app`."""
