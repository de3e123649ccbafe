"""CLI subcommands; each module has ``register(subparsers)`` setting ``func`` on its parser."""
