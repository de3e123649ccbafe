"""Versions stamped into every output, so results can be traced and cached safely."""

from service import __version__

#: Version of the JSON output schema (bump on any incompatible change to the report model).
SCHEMA_VERSION = "1.0"
#: Version of the deterministic parser and checks (bump when table or check results may change).
PARSER_VERSION = f"{__version__}+p1"
