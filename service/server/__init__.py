"""The review service: HTTP API, database and web page over the pipeline and the batch engine.

Nothing in the deterministic core imports this package (import-linter enforces it)."""
