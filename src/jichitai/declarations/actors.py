"""The resident (住民) as an actor: not a member of staff, signed in through the resident portal.

Works with the one permission check (``accounts.policy.allowed``): ``role_codes()`` is ``{"resident"}`` and the
declaration's ``permits`` compares ``my_number_index`` (the blind index of the person's 個人番号), so a resident
sees and changes only their own declarations. Kept in the session under :data:`SESSION_KEY`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RESIDENT = "resident"
SESSION_KEY = "jichitai_resident"


@dataclass(frozen=True)
class ResidentActor:
    subject: str  # the identity provider's subject (OIDC ``sub``), or ``demo:<宛名番号>``
    my_number_index: str
    atena_number: str
    name: str
    method: str = "oidc"  # oidc / demo
    is_active: bool = True
    is_authenticated: bool = True

    def role_codes(self) -> frozenset[str]:
        return frozenset({RESIDENT})

    def audit_label(self) -> str:
        return f"resident:{self.atena_number or self.subject}"

    def as_session(self) -> dict[str, Any]:
        return {"subject": self.subject, "my_number_index": self.my_number_index,
                "atena_number": self.atena_number, "name": self.name, "method": self.method}

    @classmethod
    def from_session(cls, data: Any) -> ResidentActor | None:
        if not isinstance(data, dict) or not data.get("my_number_index"):
            return None
        return cls(subject=str(data["subject"]), my_number_index=str(data["my_number_index"]),
                   atena_number=str(data.get("atena_number", "")), name=str(data.get("name", "")),
                   method=str(data.get("method", "oidc")))
