"""Session reports: the Markdown a session renders to, through Jinja templates."""
