"""The automated review (自動審査): rules, findings, and the decision.

Each rule has a stable code, the legal basis, and two explanations: one addressed to the resident (what to
do), one to the clerk (what to check). A rule looks at the :class:`Declaration` and the :class:`Facts`
and returns findings. Severity decides the outcome:

- ``RETURN`` (差戻し): the resident can put it right alone (a missing attachment, a pattern that does not fit
  the figures); the declaration goes back with the reasons;
- ``CLERK`` (職員確認): needs a person (the figures disagree with what the city knows, someone else claims the
  same dependant);
- ``NOTE`` (参考): recorded for the clerk and the resident, does not stop automatic acceptance.

Any CLERK finding routes the declaration to the clerk queue; otherwise any RETURN finding returns it;
otherwise it is accepted automatically. Every decision carries :data:`RULESET_VERSION`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from jichitai.declarations.domain.facts import Facts, Place
from jichitai.declarations.domain.model import Declaration

RULESET_VERSION = "R8-2026.1"


class Severity(StrEnum):
    NOTE = "note"
    RETURN = "return"
    CLERK = "clerk"

    @property
    def label(self) -> str:
        return {"note": "参考", "return": "差戻し", "clerk": "職員確認"}[self.value]


class Outcome(StrEnum):
    ACCEPTED = "auto_accepted"
    RETURNED = "returned"
    CLERK = "clerk"

    @property
    def label(self) -> str:
        return {"auto_accepted": "自動受理", "returned": "差戻し", "clerk": "職員確認へ"}[self.value]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    resident_message: str
    clerk_message: str
    basis: str
    subject: str = ""  # whose data: "" for the taxpayer, else the relative's My Number
    detail: dict[str, Any] = field(default_factory=dict)
    addresses: tuple[str, ...] = ()  # the items of ``detail`` that are addresses (:class:`Place`)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "resident_message": self.resident_message,
            "clerk_message": self.clerk_message,
            "basis": self.basis,
            "subject": self.subject,
            "detail": self.detail,
            "addresses": list(self.addresses),
        }


Check = Callable[[Declaration, Facts, "Rule"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    severity: Severity
    basis: str
    resident_text: str
    clerk_text: str
    check: Check

    def finding(self, *, subject: str = "", severity: Severity | None = None, **detail: Any) -> Finding:
        """A finding of this rule; the texts are formatted with ``detail`` (amounts shown with separators)."""
        shown = {
            k: (f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else v) for k, v in detail.items()
        }
        return Finding(
            code=self.code,
            severity=severity or self.severity,
            resident_message=self.resident_text.format(**shown),
            clerk_message=self.clerk_text.format(**shown),
            basis=self.basis,
            subject=subject,
            detail=detail,
            addresses=tuple(sorted(k for k, v in detail.items() if isinstance(v, Place))),
        )

    def clerk_message_without(self, detail: dict[str, Any], withheld: Iterable[str], shown: str) -> str:
        """The clerk's text of a finding with the items ``withheld`` replaced by ``shown``."""
        hidden = set(withheld)
        values = {k: (shown if k in hidden else f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else v)
                  for k, v in detail.items()}
        return self.clerk_text.format(**values)


RULES: dict[str, Rule] = {}


def rule(
    code: str, title: str, severity: Severity, basis: str, resident: str, clerk: str
) -> Callable[[Check], Check]:
    """Register a check function as a rule of the rule set."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code, title, severity, basis, resident, clerk, check)
        return check

    return register


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    findings: tuple[Finding, ...]
    ruleset_version: str = RULESET_VERSION

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is not Severity.NOTE]

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "ruleset_version": self.ruleset_version,
            "findings": [f.as_dict() for f in self.findings],
        }


def decide(findings: Iterable[Finding]) -> Decision:
    found = tuple(findings)
    severities = {f.severity for f in found}
    if Severity.CLERK in severities:
        outcome = Outcome.CLERK
    elif Severity.RETURN in severities:
        outcome = Outcome.RETURNED
    else:
        outcome = Outcome.ACCEPTED
    return Decision(outcome, found)


def review(declaration: Declaration, facts: Facts) -> Decision:
    """Run every rule of the rule set over one declaration."""
    _load_rules()
    findings: list[Finding] = []
    for r in ordered_rules():
        findings.extend(r.check(declaration, facts, r))
    return decide(findings)


_ORDER = ("ID", "IN", "ST", "FA", "DE", "AR", "NE")


_ordered: tuple[tuple[str, ...], list[Rule]] = ((), [])


def ordered_rules() -> list[Rule]:
    """The rules in review order: identity, income, the filer's status, family, deductions, arithmetic, need (sorted once per
    rule set, not once per declaration)."""
    global _ordered
    _load_rules()
    codes = tuple(RULES)
    if _ordered[0] != codes:
        _ordered = (codes, sorted(
            RULES.values(), key=lambda r: (_ORDER.index(r.code[:2]) if r.code[:2] in _ORDER else 99, r.code)
        ))
    return list(_ordered[1])


def _load_rules() -> None:
    if not RULES:  # pragma: no cover - the modules register on import
        from jichitai.declarations.domain import rules  # noqa: F401
