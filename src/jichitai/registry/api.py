"""住民記録 API (mounted at /api/registry/, OpenAPI at /api/docs): authorised staff and programs read residents
and post 異動. Each route checks its action with ``ensure`` (refusals audited); reads are audited; errors
answer ``{"code", "message", "fields"}`` with the Japanese reason. Other systems receive changes through the
hub's feeds, which read the registry's outbox."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Field, Header, Query, Router, Schema
from ninja.responses import Status

from jichitai.accounts.api_auth import StaffSession, ensure
from jichitai.common import fields as F
from jichitai.common.fields import text_problem
from jichitai.registry import access, approval, submissions
from jichitai.registry.domain import RegistryError
from jichitai.registry.schemas import STRICT, ChangeIn, to_command
from jichitai.registry.support_api import router as support_router
from jichitai.registry.views import records, workflow

router = Router(tags=["registry"], auth=StaffSession())
router.add_router("/support/", support_router)


class Error(Schema):
    code: str
    message: str
    fields: dict[str, Any]


class SearchQuery(Schema):
    name: F.Text(200) = ""  # type: ignore[valid-type]
    kana: F.Text(200) = ""  # type: ignore[valid-type]
    birth_date: F.Date | None = None
    town_code: F.Text(12) = ""  # type: ignore[valid-type]
    banchi: F.Text(100) = ""  # type: ignore[valid-type]
    atena_number: F.Text(15) = ""  # type: ignore[valid-type]
    setai_number: F.Text(15) = ""  # type: ignore[valid-type]
    juminhyo_code: F.Text(11) = ""  # type: ignore[valid-type]
    include_removed: bool = False
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100_000_000, description="何件目から返すか（0から数える）。次の頁は offset + limit。")


class ResidentOut(Schema):
    resident: dict[str, Any]
    household: list[dict[str, Any]]
    history: list[dict[str, Any]]
    suppressions: list[str]


class ChangeOut(Schema):
    change_id: str
    reason: str
    reason_label: str
    atena_numbers: list[str]
    setai_numbers: list[str]


class PendingOut(Schema):
    pending_id: int
    state: str
    reason: str
    summary: str


class Decision(Schema):
    model_config = STRICT
    note: F.Text(300, multiline=True) = ""  # type: ignore[valid-type]


CHANGE_EXAMPLE = {
    "type": "RecordMoveIn", "moved_on": "2026-11-01", "notified_on": "2026-11-05", "town_code": "281100001",
    "banchi": "1番地", "previous_address": "大阪府大阪市北区梅田1丁目", "previous_municipality_code": "27127",
    "persons": [{"name": "青木 太郎", "kana": "アオキ タロウ", "birth_date": "1980-01-07", "sex": "M",
                 "relationship": "世帯主"}],
}
COMMAND_BODY = Body(..., examples=[CHANGE_EXAMPLE])


@router.get("/residents", response={200: list[dict[str, Any]], 403: Error})
def search_residents(request: HttpRequest, q: Query[SearchQuery]) -> Any:
    """検索 (j320–j340). Results carry no 個人番号; a person covered by 照会抑止 (theirs or their household's)
    is answered as ``{"atena_number", "suppressed", "hidden": true}`` only (audited)."""
    actor = ensure(request, "registry.view")
    return records.find(actor, {**q.dict(), "limit": max(1, min(q.limit, 200))}).rows


def _history_row(h: Any) -> dict[str, Any]:
    return {"history_no": h.history_no, "reason": h.reason, "moved_on": h.moved_on, "processed_on": h.processed_on,
            "notified_on": h.change_notified_on, "entered_by": h.entered_by, "terminal": h.terminal,
            "setai_number": h.setai_number, "town_code": h.town_code, "banchi": h.banchi, "status": h.status,
            "change_id": str(h.change_id)}


@router.get("/residents/{atena_number}", response={200: ResidentOut, 403: Error, 404: Error})
def get_resident(request: HttpRequest, atena_number: str) -> Any:
    """One resident with household and 異動履歴 (audited). The 個人番号 is never in it; 本籍・筆頭者, 住民票コード
    and 在留資格等 are left out for a caller without their 操作権限 (10.4)."""
    actor = ensure(request, "registry.view", label=f"resident:{atena_number}")
    view = access.view_resident(actor, atena_number)
    return {"resident": access.mask_row(view.person.as_dict(), view.hidden),
            "household": [access.mask_row(p.as_dict(), view.hidden) for p in view.household],
            "history": [_history_row(h) for h in view.history], "suppressions": sorted(view.suppressions)}


@router.get("/households/{setai_number}", response={200: list[dict[str, Any]], 403: Error})
def get_household(request: HttpRequest, setai_number: str, as_of: F.Date | None = None) -> Any:
    """Household members on a date (default today), answered from history; refused (403, audited) when 照会抑止
    covers a member or the address."""
    actor = ensure(request, "registry.view", label=f"household:{setai_number}")
    return records.household_on(actor, setai_number, as_of)


def _change_out(applied: Any) -> dict[str, Any]:
    return {"change_id": applied.change_id, "reason": applied.reason, "reason_label": applied.change.reason.label,
            "atena_numbers": applied.atena_numbers, "setai_numbers": applied.setai_numbers}


class SubmitQuery(Schema):
    override_duplicate: bool = Field(False, description="転入の基本4情報が現に住民である者と一致しても記録する"
                                                        "（別人であることを確認した場合のみ。監査に記録）")


IDEMPOTENCY_KEY = Header(None, alias="Idempotency-Key",
                         description="この異動の再送を識別するキー。同じキーの2回目は記録せず、1回目の結果を返す")


def _once(actor: Any, key: str | None) -> str:
    if key is None:
        return ""
    problem = text_problem(key, 100) or ("" if key.strip() else "空のキーは使えません。")
    if problem:
        raise RegistryError(f"Idempotency-Key: {problem}", code="invalid_value", field="Idempotency-Key")
    return f"api:{getattr(actor, 'pk', '')}:{key}"


@router.post("/changes", response={200: ChangeOut, 201: ChangeOut, 400: Error, 403: Error, 409: Error,
                                   422: Error})
def post_change(request: HttpRequest, q: Query[SubmitQuery], command: ChangeIn = COMMAND_BODY,
                idempotency_key: str | None = IDEMPOTENCY_KEY) -> Any:
    """Record one 異動 (届出). ``type`` names the command (RecordMoveIn, RecordBirth, RecordMoveWithin,
    RecordMoveOut, RecordDeath, SplitHousehold, MergeHousehold, ChangeHousehold, ChangeHouseholdHead,
    CorrectRecord, ChangeMyNumber, ChangeJuminhyoCode, RecordKyuuji, RecordTsusho, RecordFuriganaNotification
    (氏名の振り仮名 from the 本籍地's notice, 住基法第9条第2項), CancelChange, …).
    職権 changes answer ``approval_required``: post them to /pending instead. With an ``Idempotency-Key``,
    a repeat answers 200 with the first result and records nothing."""
    actor = ensure(request, "registry.change")
    try:
        applied = workflow.record_change(to_command(command), actor=actor, terminal=_terminal(request),
                                         once=_once(actor, idempotency_key), override_duplicate=q.override_duplicate)
    except submissions.AlreadySubmitted as exc:
        return _replayed(exc, "change_id")
    return Status(201, _change_out(applied))


@router.post("/pending", response={200: PendingOut, 201: PendingOut, 400: Error, 403: Error, 409: Error,
                                   422: Error})
def post_pending(request: HttpRequest, q: Query[SubmitQuery], command: ChangeIn = COMMAND_BODY,
                 idempotency_key: str | None = IDEMPOTENCY_KEY) -> Any:
    """起案 of a 職権 異動 for 決裁 (j530); ``Idempotency-Key`` as for /changes."""
    actor = ensure(request, "registry.change")
    try:
        pending = workflow.propose_change(to_command(command), actor=actor, terminal=_terminal(request),
                                          once=_once(actor, idempotency_key), override_duplicate=q.override_duplicate)
    except submissions.AlreadySubmitted as exc:
        return _replayed(exc, "pending_id")
    return Status(201, {"pending_id": pending.pk, "state": pending.state, "reason": pending.reason,
                        "summary": pending.summary})


def _replayed(exc: submissions.AlreadySubmitted, kind: str) -> Any:
    """The first result of a repeated Idempotency-Key (409 when it was a different kind of request)."""
    if kind not in exc.result:
        raise exc
    return Status(200, exc.result)


@router.post("/pending/{pending_id}/approve", response={200: ChangeOut, 400: Error, 403: Error})
def approve_pending(request: HttpRequest, pending_id: F.RowId, decision: Decision) -> Any:
    actor = ensure(request, "registry.approve")
    return _change_out(approval.approve(pending_id, actor=actor, note=decision.note))


@router.post("/pending/{pending_id}/reject", response={200: PendingOut, 400: Error, 403: Error})
def reject_pending(request: HttpRequest, pending_id: F.RowId, decision: Decision) -> Any:
    actor = ensure(request, "registry.approve")
    pending = approval.reject(pending_id, actor=actor, note=decision.note)
    return {"pending_id": pending.pk, "state": pending.state, "reason": pending.reason, "summary": pending.summary}


def _terminal(request: HttpRequest) -> str:
    terminal = request.headers.get("X-Terminal", "")
    problem = text_problem(terminal, 100)
    if problem:
        raise RegistryError(f"X-Terminal（入力端末）: {problem}", code="invalid_value", field="X-Terminal")
    return terminal or f"api:{request.META.get('REMOTE_ADDR', '')}"
