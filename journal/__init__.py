"""journal: an incident and work-session journal kept in your git repository."""

__version__ = "0.1.0"
