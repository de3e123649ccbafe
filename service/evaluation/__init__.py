"""Evaluation: score the pipeline against a gold set, and against planted errors (govreport eval)."""

from service.evaluation.run import EvalRun, evaluate
from service.evaluation.score_planted import PlantedRun, run_planted

__all__ = ["EvalRun", "PlantedRun", "evaluate", "run_planted"]
