"""受付の記録 on the counter's forms: 届出人, 本人確認 (書類の種類) and 手数料 (:mod:`jichitai.registry.domain.reception`),
one small form beside every 異動 form and every certificate form (prefix ``r``)."""

from __future__ import annotations

from typing import Any

from django import forms

from jichitai.registry.domain import RegistryError
from jichitai.registry.domain.reception import IDENTITY_DOCUMENTS, NOTIFIER_KINDS, Reception

PREFIX = "r"


class ReceptionForm(forms.Form):
    """届出人 and 本人確認 of a 異動 (住民基本台帳法第27条第2項・第3項); 手数料 (usually 0円 for a 届出)."""

    notifier_kind = forms.ChoiceField(label="届出人", choices=list(NOTIFIER_KINDS.items()), initial="self")
    notifier_name = forms.CharField(label="届出人氏名（本人以外が届け出たとき）", max_length=200, required=False)
    identity_documents = forms.MultipleChoiceField(label="本人確認（書類の種類）", required=False,
                                                   choices=list(IDENTITY_DOCUMENTS.items()),
                                                   widget=forms.CheckboxSelectMultiple)
    fee = forms.IntegerField(label="手数料（円）", min_value=0, max_value=1_000_000, initial=0, required=False)

    def __init__(self, *args: Any, ex_officio: bool = False, fee: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)
        if ex_officio:
            self.fields["notifier_kind"].initial = "ex_officio"
        if fee is not None:
            self.fields["fee"].initial = fee

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if self.errors:
            return d
        try:
            d["reception"] = self.reception_of(d)
        except RegistryError as exc:
            self.add_error(exc.fields.get("field") if exc.fields.get("field") in self.fields else None, exc.message)
        return d

    def reception_of(self, d: dict[str, Any]) -> Reception:
        return Reception(notifier_kind=d.get("notifier_kind") or "self", notifier_name=(d.get("notifier_name") or "").strip(),
                         identity_documents=tuple(d.get("identity_documents") or ()), fee=d.get("fee") or 0)

    def reception(self) -> Reception:
        return self.cleaned_data["reception"]


class CertificateReceptionForm(ReceptionForm):
    """本人確認 (住民基本台帳法第12条第3項、第12条の3) and 手数料 of a certificate; the 請求者 is the form's own item."""

    fee = forms.IntegerField(label="手数料（円）", min_value=0, max_value=1_000_000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["notifier_kind"], self.fields["notifier_name"]

    def reception_of(self, d: dict[str, Any]) -> Reception:
        return Reception(notifier_kind="self", identity_documents=tuple(d.get("identity_documents") or ()),
                         fee=d.get("fee") or 0)
