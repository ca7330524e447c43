"""証明書の交付 (5): choose format, members and omissions (or, for a 記載事項証明書, the items); the answer is the
PDF itself. 住民票の写し and 住民票記載事項証明書 from the household, 住民票の除票の写し and 住民票除票記載事項証明書
from a resident whose record is 消除 (the 除票 of their former household), the 転出証明書 (4.1.3.0.3) from the
resident's page or right after the 転出 is recorded."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.registry import code_notices, receipt_notices, suppression
from jichitai.registry.certificates import certifiers, joshuhyo, moveout_services
from jichitai.registry.certificates.services import REQUESTER_KINDS, Issued, issue
from jichitai.registry.certificates.snapshot import (
    DEFAULT_ITEMS,
    DEFAULT_OMIT,
    OMIT_LABELS,
    REMOVAL_ITEMS,
    CertificateFormat,
    CertificateKind,
    CertificateRequest,
    Item,
    Omit,
)
from jichitai.registry.domain.person import Person
from jichitai.registry.views import records
from jichitai.registry.views.common import refusal, terminal_of
from jichitai.registry.views.reception import CertificateReceptionForm


def _pdf_or_refusal(request: HttpRequest, template: str, context: dict[str, object],
                    issuing: Callable[[], Issued]) -> HttpResponse:
    """The PDF as the answer, or the form again with the Japanese reason (nothing was issued)."""
    try:
        issued = issuing()
    except JichitaiError as exc:
        context.update(refusal(request, exc))
        return render(request, template, context, status=exc.status)
    response = HttpResponse(issued.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{issued.filename}"'
    return response


class IssueForm(forms.Form):
    format = forms.ChoiceField(label="様式", widget=forms.RadioSelect, initial=CertificateFormat.SETAI_RENKI.value,
                               choices=[(f.value, f.label) for f in CertificateFormat])
    members = forms.MultipleChoiceField(label="記載する世帯員", widget=forms.CheckboxSelectMultiple)
    omit = forms.MultipleChoiceField(label="省略する項目", widget=forms.CheckboxSelectMultiple, required=False,
                                     choices=[(o.value, label) for o, label in OMIT_LABELS.items()],
                                     initial=[o.value for o in DEFAULT_OMIT])
    requester_kind = forms.ChoiceField(label="請求者", choices=list(REQUESTER_KINDS.items()), initial="self")
    requester_name = forms.CharField(label="請求者氏名", max_length=200, required=False)
    purpose = forms.CharField(label="使用目的", max_length=200, required=False)
    furigana = forms.BooleanField(label="氏名にフリガナを付記する", required=False)

    def __init__(self, *args: object, members: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["members"].choices = members  # type: ignore[attr-defined]
        self.fields["members"].initial = [a for a, _ in members]

    def choices(self) -> dict[str, bool]:
        kind = self.cleaned_data["requester_kind"]
        return {"third_party": kind == "third_party", "official_use": kind == "official",
                "furigana": self.cleaned_data.get("furigana", False)}

    def request(self, kind: CertificateKind = CertificateKind.JUMINHYO) -> CertificateRequest:
        d, c = self.cleaned_data, self.choices()
        return CertificateRequest(format=CertificateFormat(d["format"]), members=tuple(d["members"]),
                                  omit=frozenset(Omit(o) for o in d["omit"]), kind=kind, third_party=c["third_party"],
                                  official_use=c["official_use"], furigana=c["furigana"])


class ItemsForm(IssueForm):
    """A 記載事項証明書: the items to certify instead of the omission switches."""

    items = forms.MultipleChoiceField(label="証明する事項（氏名は必ず記載）", widget=forms.CheckboxSelectMultiple,
                                      required=False)
    field_order = ["format", "members", "items"]

    def __init__(self, *args: object, members: list[tuple[str, str]], removed: bool, **kwargs: object) -> None:
        super().__init__(*args, members=members, **kwargs)
        del self.fields["omit"]
        offered = [i for i in Item if removed or i not in REMOVAL_ITEMS]
        self.fields["items"].choices = [(i.value, i.label) for i in offered]  # type: ignore[attr-defined]
        self.fields["items"].initial = [i.value for i in offered if i in DEFAULT_ITEMS or i in REMOVAL_ITEMS]

    def request(self, kind: CertificateKind = CertificateKind.KISAI_JIKO) -> CertificateRequest:
        d = self.cleaned_data
        return CertificateRequest.of_items(kind, CertificateFormat(d["format"]), tuple(d["members"]),
                                           frozenset(Item(i) for i in d["items"]), **self.choices())


def _certificate_page(request: HttpRequest, kind: CertificateKind, setai_number: str, members: list[Person],
                      *, ticked: list[str] | None = None, atena_number: str = "") -> HttpResponse:
    """The form of any certificate of j1000 for ``members``; POST issues it through the one service."""
    choices = [(m.atena_number, f"{m.name}（{m.relationship}）") for m in members]
    form: IssueForm = (ItemsForm(request.POST or None, members=choices, removed=kind.of_removed)
                       if kind.selects_items else IssueForm(request.POST or None, members=choices))
    if ticked is not None:
        form.fields["members"].initial = ticked
    received = CertificateReceptionForm(request.POST or None, fee=certifiers.fee_of(kind.value))
    context: dict[str, object] = {"form": form, "setai_number": setai_number, "members": members, "kind": kind,
                                  "atena_number": atena_number, "received": received}
    if request.method == "POST" and form.is_valid() & received.is_valid():
        d = form.cleaned_data
        return _pdf_or_refusal(request, "registry/certificate_form.html", context, lambda: issue(
            actor=request.user, setai_number=setai_number, request=form.request(kind),
            requester_kind=d["requester_kind"], requester_name=d.get("requester_name", ""),
            purpose=d.get("purpose", ""), terminal=terminal_of(request), reception=received.reception()))
    return render(request, "registry/certificate_form.html", context)


@requires("registry.certificate.issue")
def issue_page(request: HttpRequest, setai_number: str, kind: str = CertificateKind.JUMINHYO.value) -> HttpResponse:
    """住民票の写し or 住民票記載事項証明書 of the household's current members."""
    try:
        records.ensure_household_visible(request.user, setai_number, via=f"certificate:{kind}")
    except JichitaiError as exc:
        return render(request, "registry/refused.html", refusal(request, exc), status=exc.status)
    return _certificate_page(request, CertificateKind(kind), setai_number, records.household_members(setai_number))


@requires("registry.certificate.issue")
def joshuhyo_page(request: HttpRequest, atena_number: str,
                  kind: str = CertificateKind.JOSHUHYO.value) -> HttpResponse:
    """住民票の除票の写し or 住民票除票記載事項証明書 of a person's former household (those removed with them
    ticked)."""
    try:
        former = joshuhyo.former_household_of(atena_number)
        records.ensure_household_visible(request.user, former.setai_number, via=f"certificate:{kind}",
                                         members=list(former.members))
    except JichitaiError as exc:
        return render(request, "registry/refused.html", refusal(request, exc), status=exc.status)
    return _certificate_page(request, CertificateKind(kind), former.setai_number, former.members,
                             ticked=former.ticked, atena_number=atena_number)


class MoveOutForm(forms.Form):
    requester_kind = forms.ChoiceField(label="請求者", initial="self",
                                       choices=[(k, v) for k, v in REQUESTER_KINDS.items() if k != "official"])
    requester_name = forms.CharField(label="届出人氏名", max_length=200, required=False)
    purpose = forms.CharField(label="使用目的", max_length=200, required=False, initial="転入届に添付")
    destination = forms.CharField(label="転出先（職権消除の場合に本人の申出により入力）", max_length=300, required=False)


@requires("registry.certificate.issue")
def moveout_page(request: HttpRequest, atena_number: str) -> HttpResponse:
    try:
        suppression.ensure_view_allowed(request.user, atena_number, via="certificate:moveout", counter=True)
    except JichitaiError as exc:
        return render(request, "registry/refused.html", refusal(request, exc), status=exc.status)
    form = MoveOutForm(request.POST or None)
    received = CertificateReceptionForm(request.POST or None, fee=certifiers.fee_of("tenshutsu"))
    context: dict[str, object] = {"form": form, "atena_number": atena_number, "received": received,
                                  "title": moveout_services.status_of(atena_number) or "転出証明書"}
    if request.method == "POST" and form.is_valid() & received.is_valid():
        d = form.cleaned_data
        return _pdf_or_refusal(request, "registry/moveout_form.html", context, lambda: moveout_services.issue(
            actor=request.user, atena_number=atena_number, requester_kind=d["requester_kind"],
            requester_name=d["requester_name"], purpose=d["purpose"], destination=d["destination"],
            terminal=terminal_of(request), reception=received.reception()))
    return render(request, "registry/moveout_form.html", context)


@requires("registry.receipt_notice")
def receipt_notice(request: HttpRequest, change_id: uuid.UUID) -> HttpResponse:
    """住民異動届受理通知 (4.1.0.3) of a recorded 異動, from the resident's 異動履歴, on the day or later; ``?to=person``
    sends it to the 異動者 at the new address where the former address is not appropriate (j580)."""
    try:
        printed = receipt_notices.render(request.user, change_id, to_person=request.GET.get("to") == "person")
    except JichitaiError as exc:
        return render(request, "registry/refused.html", refusal(request, exc), status=exc.status)
    response = HttpResponse(printed.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{printed.filename}"'
    return response


@requires("registry.certificate.issue")
def code_notice(request: HttpRequest, atena_number: str, history_no: int) -> HttpResponse:
    """住民票コード通知票・変更通知票・修正通知票 (4.3.3) of a history row (POST from the resident page: right after the
    異動, or again later); each print is a 交付履歴 row."""
    if request.method != "POST":
        return HttpResponse("住民の画面の異動履歴から出力してください。", status=405, content_type="text/plain; charset=utf-8")
    try:
        printed = code_notices.issue(actor=request.user, atena_number=atena_number, history_no=history_no,
                                     terminal=terminal_of(request))
    except JichitaiError as exc:
        return render(request, "registry/refused.html", refusal(request, exc), status=exc.status)
    response = HttpResponse(printed.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{printed.filename}"'
    return response
