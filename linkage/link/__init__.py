"""Linkage: standardized mentions -> identities, golden records, relations, evidence (DESIGN §3)."""

from .config import KindConfig, LSHRule, Rule, default_config
from .evaluate import evaluate, format_evaluation, scores
from .model import Model
from .run import LinkResult, link, link_kind, load_mentions

__all__ = [
           "KindConfig",
           "LSHRule",
           "LinkResult",
           "Model",
           "Rule",
           "default_config",
           "evaluate",
           "format_evaluation",
           "link",
           "link_kind",
           "load_mentions",
           "scores",
]
