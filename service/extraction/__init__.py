"""Extraction of the free text: problems, measures, platform statistics (rules offline, LLM optional)."""
