"""Results of evaluation (candidates, evaluations, rule descriptions, traces): data, below the evaluator and the reports."""

from .candidate import SEVERITIES, SEVERITY_RANK, Candidate, Evaluation, RuleInfo, fingerprint

__all__ = ["SEVERITIES", "SEVERITY_RANK", "Candidate", "Evaluation", "RuleInfo", "fingerprint"]
