"""The rule set. Importing this package registers every rule in :data:`rulebook.RULES`."""

from jichitai.declarations.domain.rules import (
    attachments,
    deductions,
    family,
    filing,
    identity,
    income,
    securities,
    status,
)

__all__ = ["attachments", "deductions", "family", "filing", "identity", "income", "securities", "status"]
