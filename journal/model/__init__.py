"""The data model: session and event types, their validation, the JSON Schema, and
paths into it. Pure data — imports only `journal.errors`; never the store or any I/O."""
