"""支援措置 API (mounted at /api/registry/support/): the same services as the pages of
:mod:`jichitai.registry.views.support` — applications to set, extend or end a measure, their 決裁 by a
supervisor other than the drafter, the overdue measures (j410) and the attempts on protected people."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field, StrictInt

from jichitai.accounts.api_auth import StaffSession, ensure
from jichitai.common import fields as F
from jichitai.registry import lifts, support
from jichitai.registry.models import SupportRequest, Suppression
from jichitai.registry.schemas import STRICT

router = Router(tags=["registry: 支援措置"], auth=StaffSession())


class Error(Schema):
    code: str
    message: str
    fields: dict[str, Any]


class RequestIn(Schema):
    model_config = STRICT
    action: Literal["set", "extend", "lift"]
    reason: F.Text(300)  # type: ignore[valid-type]
    atena_number: F.Digits(15, label="宛名番号") = ""  # type: ignore[valid-type]
    suppression_id: Annotated[StrictInt, Field(ge=1, le=2**62)] | None = None
    starts_on: F.Date | None = None
    ends_on: F.Date | None = None


class RequestOut(Schema):
    request_id: int
    action: str
    state: str
    atena_number: str
    suppression_id: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None


class Decision(Schema):
    model_config = STRICT
    note: F.Text(300, multiline=True) = ""  # type: ignore[valid-type]


def _request_out(req: SupportRequest) -> dict[str, Any]:
    return {"request_id": req.pk, "action": req.action, "state": req.state, "atena_number": req.atena_number,
            "suppression_id": req.suppression_id, "starts_on": req.starts_on, "ends_on": req.ends_on}


def _suppression_out(s: Suppression) -> dict[str, Any]:
    return {"suppression_id": s.pk, "atena_number": s.atena_number, "kind": s.kind, "kind_label": s.get_kind_display(),
            "starts_on": s.starts_on, "ends_on": s.ends_on, "reason": s.reason}


@router.get("/", response={200: dict[str, Any], 403: Error})
def overview(request: HttpRequest) -> Any:
    """終了日を過ぎた抑止 (still in force, j410), 1か月以内に終了する支援措置, 決裁待ちの申請, 設定中の抑止."""
    o = support.overview(ensure(request, support.VIEW))
    return {"overdue": [_suppression_out(s) for s in o.overdue],
            "ending_soon": [_suppression_out(s) for s in o.ending_soon],
            "waiting": [_request_out(r) for r in o.waiting], "in_force": [_suppression_out(s) for s in o.in_force]}


@router.post("/requests", response={201: RequestOut, 400: Error, 403: Error})
def propose(request: HttpRequest, body: RequestIn) -> Any:
    """起案: ``set`` names ``atena_number`` (終了日 defaults to one year, j440); ``extend``/``lift`` name
    ``suppression_id`` (an extension defaults to one year from the day after the current 終了日)."""
    actor = ensure(request, support.PROPOSE)
    req = support.propose(actor, body.action, reason=body.reason, atena_number=body.atena_number,
                          suppression_id=body.suppression_id, starts_on=body.starts_on, ends_on=body.ends_on)
    return Status(201, _request_out(req))


@router.post("/requests/{request_id}/approve", response={200: RequestOut, 400: Error, 403: Error})
def approve(request: HttpRequest, request_id: F.RowId, decision: Decision) -> Any:
    return _request_out(support.approve(ensure(request, support.DECIDE), request_id, decision.note))


@router.post("/requests/{request_id}/reject", response={200: RequestOut, 400: Error, 403: Error})
def reject(request: HttpRequest, request_id: F.RowId, decision: Decision) -> Any:
    return _request_out(support.reject(ensure(request, support.DECIDE), request_id, decision.note))


class LiftIn(Schema):
    model_config = STRICT
    reason: F.Text(300)  # type: ignore[valid-type]
    clerk: F.Text(30)  # type: ignore[valid-type]  # 職員番号 of the member of staff who does the business


class LiftOut(Schema):
    suppression_id: int
    atena_number: str
    kind: str
    reason: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    clerk: str | None
    clerk_name: str | None


def _lift_out(done: Any) -> dict[str, Any]:
    return {"suppression_id": done.suppression_id, "atena_number": done.suppression.atena_number,
            "kind": done.suppression.kind, "reason": done.reason, "starts_at": done.starts_at, "ends_at": done.ends_at,
            "clerk": done.clerk.username if done.clerk else None,
            "clerk_name": lifts.staff_words(done.clerk) if done.clerk else None}


@router.post("/suppressions/{suppression_id}/lift", response={201: LiftOut, 400: Error, 403: Error})
def lift(request: HttpRequest, suppression_id: F.RowId, body: LiftIn) -> Any:
    """抑止の一時解除 (j410): the suppression is set aside at the counter until ``ends_at`` (the city's time,
    ``JICHITAI_SUPPRESSION_LIFT_MINUTES``), for the member of staff ``clerk`` (職員番号, not oneself) only, then
    in force again by itself; no other member of staff or system is told."""
    return Status(201, _lift_out(lifts.lift_temporarily(ensure(request, lifts.LIFT), suppression_id, body.reason,
                                                        clerk=body.clerk)))


@router.post("/suppressions/{suppression_id}/lift/end", response={200: LiftOut, 400: Error, 403: Error})
def end_lift(request: HttpRequest, suppression_id: F.RowId) -> Any:
    """End a running 一時解除 at once (the task it was for is done): the suppression is in force again."""
    return _lift_out(lifts.end_now(ensure(request, lifts.LIFT), suppression_id))


@router.get("/attempts", response={200: list[dict[str, Any]], 403: Error})
def attempts(request: HttpRequest, limit: Annotated[int, Field(ge=1, le=1000)] = 200) -> Any:
    """Every touch of a protected person from the audit log, newest first."""
    rows = support.attempts(ensure(request, support.VIEW), limit)
    return [{"seq": a.seq, "at": a.at, "actor": a.actor, "action": a.action, "outcome": a.outcome,
             "resource": a.resource, "protected_by": (a.detail or {}).get("protected_by", [])} for a in rows]
