"""受付の記録 (issue 22): who brought a 届出 or a 請求 to the counter, how the counter confirmed who they are, and the
手数料 taken — recorded with every 異動 and every certificate issued.

- 届出人 (現に届出の任に当たつている者): 本人, 世帯主 or 世帯員 (住民基本台帳法第26条: the 世帯主 may notify for a
  member), 代理人・使者, or none for a 職権 change. The standard's 住民異動届受理通知 (4.1.0.3, j580) names the
  届出人氏名, so the name is kept whenever someone other than the person moving brought the 届出.
- 本人確認: 住民基本台帳法第27条第2項 (the documents shown by the person at the counter; 第3項 the 代理人's proof
  of the request, a 委任状) and 第12条第3項 for a 住民票の写し request. The kinds below are the ones the cities'
  本人確認事務取扱要綱 list (顔写真付きの官公署発行の書類 one, or two without a photograph, or questions asked).
- 手数料: integer yen, as the city's 手数料条例 (地方自治法第227条, 第228条) sets it; 0 for a 届出 that costs
  nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jichitai.registry.domain.errors import RegistryError

NOTIFIER_KINDS = {
    "self": "本人",
    "head": "世帯主",
    "member": "世帯員",
    "agent": "代理人・使者",
    "ex_officio": "なし（職権）",
}
IDENTITY_DOCUMENTS = {
    "my_number_card": "個人番号カード",
    "drivers_license": "運転免許証",
    "passport": "旅券",
    "residence_card": "在留カード・特別永住者証明書",
    "photo_id_other": "その他官公署発行の顔写真付き証明書",
    "two_documents": "顔写真のない書類2点以上（資格確認書・年金手帳等）",
    "questions": "口頭による質問",
    "proxy_letter": "委任状（代理人）",
    "official_request": "公用請求書（職務上の請求）",
    "none": "確認できず",
}
MAX_FEE = 1_000_000


@dataclass(frozen=True)
class Reception:
    """受付の記録 of one 届出 or 請求."""

    notifier_kind: str = "self"
    notifier_name: str = ""
    identity_documents: tuple[str, ...] = field(default_factory=tuple)
    fee: int = 0

    def __post_init__(self) -> None:
        if self.notifier_kind not in NOTIFIER_KINDS:
            raise RegistryError(f"届出人の区分「{self.notifier_kind}」はありません。", code="invalid_notifier",
                                field="notifier_kind")
        unknown = [d for d in self.identity_documents if d not in IDENTITY_DOCUMENTS]
        if unknown:
            raise RegistryError(f"本人確認書類の種類「{'、'.join(unknown)}」はありません。", code="invalid_identity",
                                field="identity_documents")
        if not isinstance(self.fee, int) or isinstance(self.fee, bool) or not 0 <= self.fee <= MAX_FEE:
            raise RegistryError("手数料は0円以上の整数（円）で入力してください。", code="invalid_fee", field="fee")
        if self.notifier_kind == "agent" and not self.notifier_name.strip():
            raise RegistryError("代理人・使者の場合は届出人の氏名を入力してください。", code="notifier_name_required",
                                field="notifier_name")
        if self.notifier_kind != "ex_officio" and not self.identity_documents:
            raise RegistryError("本人確認の方法（書類の種類）を選択してください（住民基本台帳法第27条第2項）。",
                                code="identity_required", field="identity_documents")

    def as_dict(self) -> dict[str, Any]:
        return {"notifier_kind": self.notifier_kind, "notifier_name": self.notifier_name,
                "identity_documents": list(self.identity_documents), "fee": self.fee}

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> Reception | None:
        if not data:
            return None
        return cls(notifier_kind=str(data.get("notifier_kind", "self")), notifier_name=str(data.get("notifier_name", "")),
                   identity_documents=tuple(data.get("identity_documents", ())), fee=int(data.get("fee", 0)))


def notifier_label(kind: str, name: str = "") -> str:
    label = NOTIFIER_KINDS.get(kind, kind)
    return f"{label} {name}".strip() if kind else ""


def documents_label(codes: Any) -> str:
    return "・".join(IDENTITY_DOCUMENTS.get(c, c) for c in (codes or ()))


def fee_label(fee: int | None) -> str:
    return f"{fee:,}円" if fee is not None else ""
