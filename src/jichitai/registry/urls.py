"""住民記録 pages under /registry/."""

from __future__ import annotations

from django.urls import path

from jichitai.registry.views import (
    approvals,
    certificates,
    changes,
    de_facto_heads,
    head_notices,
    inspection,
    mailing_codes,
    memos,
    moji,
    move_in_notices,
    pages,
    support,
)

app_name = "registry"

urlpatterns = [
    path("", pages.search, name="search"),
    path("towns/", pages.towns, name="towns"),
    path("moji/", moji.lookup_page, name="moji"),
    path("moji/glyph/", moji.glyph, name="moji_glyph"),
    path("residents/<str:atena_number>/", pages.resident, name="resident"),
    path("residents/<str:atena_number>/memos/", memos.add, name="memo_add"),
    path("residents/<str:atena_number>/mailing-code/", mailing_codes.set_code, name="mailing_code"),
    path("residents/<str:atena_number>/memos/<str:memo_id>/", memos.change, name="memo_change"),
    path("residents/<str:atena_number>/moveout-certificate/", certificates.moveout_page, name="moveout_certificate"),
    path("residents/<str:atena_number>/joshuhyo/", certificates.joshuhyo_page, name="joshuhyo"),
    path("residents/<str:atena_number>/joshuhyo-kisai-jiko/", certificates.joshuhyo_page,
         {"kind": "joshuhyo_kisai_jiko"}, name="joshuhyo_kisai_jiko"),
    path("households/head-unset/", head_notices.target_list, name="head_unset"),
    path("residents/<str:atena_number>/code-notice/<int:history_no>/", certificates.code_notice, name="code_notice"),
    path("households/<str:setai_number>/", pages.household, name="household"),
    path("households/<str:setai_number>/head-notice/<slug:kind>/", head_notices.notice, name="head_notice"),
    path("households/<str:setai_number>/de-facto-head/", de_facto_heads.record, name="de_facto_head"),
    path("households/<str:setai_number>/certificate/", certificates.issue_page, name="certificate"),
    path("households/<str:setai_number>/kisai-jiko/", certificates.issue_page, {"kind": "kisai_jiko"},
         name="kisai_jiko"),
    path("inspection/", inspection.inspection_page, name="inspection"),
    path("move-in-notices/", move_in_notices.page, name="move_in_notices"),
    path("move-in-notices/unarrived/", move_in_notices.unarrived, name="move_in_unarrived"),
    path("move-in-notices/unarrived/<str:atena_number>/inquiry/", move_in_notices.inquiry, name="move_in_inquiry"),
    path("move-in-notices/<str:code>/pdf/", move_in_notices.pdf, name="move_in_notice_pdf"),
    path("inspection/disclosure/", inspection.disclosure_page, name="inspection_disclosure"),
    path("changes/<uuid:change_id>/receipt-notice/", certificates.receipt_notice, name="receipt_notice"),
    path("changes/", changes.menu, name="change_menu"),
    path("changes/<slug:slug>/", changes.change, name="change"),
    path("approvals/", approvals.queue, name="approvals"),
    path("approvals/<int:pending_id>/decide/", approvals.decide, name="approval_decide"),
    path("residents/<str:atena_number>/support/", support.propose_set, name="support_set"),
    path("suppressions/", support.overview, name="suppressions"),
    path("suppressions/attempts/", support.attempts, name="suppression_attempts"),
    path("suppressions/<int:suppression_id>/request/", support.propose_change, name="support_change"),
    path("suppressions/<int:suppression_id>/lift/", support.lift, name="suppression_lift"),
    path("suppressions/<int:suppression_id>/lift/end/", support.end_lift, name="suppression_lift_end"),
    path("suppressions/requests/<int:request_id>/decide/", support.decide, name="support_decide"),
]
