"""証明書の交付 (5): choose format, members and omissions; the answer is the PDF itself. The 転出証明書
(4.1.3.0.3) from the resident's page or right after the 転出 is recorded."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.registry.certificates import moveout_services
from jichitai.registry.certificates.services import REQUESTER_KINDS, Issued, issue
from jichitai.registry.certificates.snapshot import (
    DEFAULT_OMIT,
    OMIT_LABELS,
    CertificateFormat,
    CertificateRequest,
    Omit,
)
from jichitai.registry.views import records
from jichitai.registry.views.common import refusal, terminal_of


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

    def request(self) -> CertificateRequest:
        d = self.cleaned_data
        kind = d["requester_kind"]
        return CertificateRequest(
            format=CertificateFormat(d["format"]), members=tuple(d["members"]),
            omit=frozenset(Omit(o) for o in d["omit"]), third_party=kind == "third_party",
            official_use=kind == "official", furigana=d.get("furigana", False),
        )


@requires("registry.certificate.issue")
def issue_page(request: HttpRequest, setai_number: str) -> HttpResponse:
    members = records.household_members(setai_number)
    form = IssueForm(request.POST or None, members=[(m.atena_number, f"{m.name}（{m.relationship}）")
                                                     for m in members])
    context: dict[str, object] = {"form": form, "setai_number": setai_number, "members": members}
    if request.method == "POST" and form.is_valid():
        return _pdf_or_refusal(request, "registry/certificate_form.html", context, lambda: issue(
            actor=request.user, setai_number=setai_number, request=form.request(),
            requester_kind=form.cleaned_data["requester_kind"], requester_name=form.cleaned_data.get("requester_name", ""),
            purpose=form.cleaned_data.get("purpose", ""), terminal=terminal_of(request)))
    return render(request, "registry/certificate_form.html", context)


class MoveOutForm(forms.Form):
    requester_kind = forms.ChoiceField(label="請求者", initial="self",
                                       choices=[(k, v) for k, v in REQUESTER_KINDS.items() if k != "official"])
    requester_name = forms.CharField(label="届出人氏名", max_length=200, required=False)
    purpose = forms.CharField(label="使用目的", max_length=200, required=False, initial="転入届に添付")
    destination = forms.CharField(label="転出先（職権消除の場合に本人の申出により入力）", max_length=300, required=False)


@requires("registry.certificate.issue")
def moveout_page(request: HttpRequest, atena_number: str) -> HttpResponse:
    form = MoveOutForm(request.POST or None)
    context: dict[str, object] = {"form": form, "atena_number": atena_number,
                                  "title": moveout_services.status_of(atena_number) or "転出証明書"}
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        return _pdf_or_refusal(request, "registry/moveout_form.html", context, lambda: moveout_services.issue(
            actor=request.user, atena_number=atena_number, requester_kind=d["requester_kind"],
            requester_name=d["requester_name"], purpose=d["purpose"], destination=d["destination"],
            terminal=terminal_of(request)))
    return render(request, "registry/moveout_form.html", context)
