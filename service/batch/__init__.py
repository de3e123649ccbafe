"""Batch: a folder of reports in, per-report JSON, results.jsonl and the summary a superior office needs out."""

from service.batch.runner import BatchOptions, BatchResult, Counts, run_batch

__all__ = ["BatchOptions", "BatchResult", "Counts", "run_batch"]
