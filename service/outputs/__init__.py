"""Outputs: the report JSON, the readable verification report, the JSON Schema."""
