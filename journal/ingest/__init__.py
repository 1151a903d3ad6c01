"""Chat exports, text logs and alert payloads read into timeline events
(`journal ingest`, `journal receive`): one module per kind of source, `detect` to
choose."""
