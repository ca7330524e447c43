"""The rule set. Importing this package registers every rule in :data:`rulebook.RULES`."""

from jichitai.declarations.domain.rules import deductions, family, filing, identity, income, status

__all__ = ["deductions", "family", "filing", "identity", "income", "status"]
