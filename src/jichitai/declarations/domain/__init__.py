"""The pure domain of 市民税・県民税申告: the declaration, the facts the review needs, and the review rules.

No Django here (an import-linter contract checks it): a service assembles :class:`Facts` from the registry,
the reports received and the other declarations, and :func:`review` decides from plain data.
"""

from jichitai.declarations.domain import rules as _rules  # noqa: F401  (registers the rule set)
from jichitai.declarations.domain.facts import Facts, KnownPerson, RelativeFacts
from jichitai.declarations.domain.model import (
    Attachment,
    Channel,
    Declaration,
    DeclarationError,
    Pattern,
    Relative,
)
from jichitai.declarations.domain.rulebook import (
    RULES,
    RULESET_VERSION,
    Decision,
    Finding,
    Outcome,
    Rule,
    Severity,
    review,
)

__all__ = [
    "RULES",
    "RULESET_VERSION",
    "Attachment",
    "Channel",
    "Decision",
    "Declaration",
    "DeclarationError",
    "Facts",
    "Finding",
    "KnownPerson",
    "Outcome",
    "Pattern",
    "Relative",
    "RelativeFacts",
    "Rule",
    "Severity",
    "review",
]
