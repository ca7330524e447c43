"""No double registration (issue 18, item 6).

- **Once per confirmation.** Each confirmation the counter shows carries a fresh key inside its signed token;
  an API request may carry an ``Idempotency-Key``. The key is claimed (a unique row, :class:`Submission`) in
  the transaction that records the 異動 or queues it for 決裁, so replaying the confirmation, double-clicking
  or a client's retry cannot record it twice: the second use is refused with the first result (the API
  answers the first result again), and the same key with other content is refused.
- **A 転入 of someone already here.** A person entering the registry (転入, 職権記載) whose 4 basic facts
  (基本4情報: 氏名・生年月日・性別・住所) match a current resident is most likely a duplicate: the clerk is
  warned and must override explicitly; an override is audited with the residents it matched. Names compare
  through the registry's search key (NFKC, kana, variation selectors, spaces: common.text.search_key), the
  address by 町字 and 番地 (search key too; 方書 is left out, it is the item clerks spell most freely).
  A 除票 sharing the 3情報 (氏名・性別・生年月日, any address) raises the same alert (4.1.1.2: a 再転入者 is entered
  under the 宛名番号 of the 除票).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction

from jichitai.audit import services as audit
from jichitai.common.text import search_key
from jichitai.registry.domain import Command, RegistryError
from jichitai.registry.domain.codec import to_dict
from jichitai.registry.domain.commands import RecordExOfficioEntry, RecordMoveIn
from jichitai.registry.domain.person import ACTIVE
from jichitai.registry.models import Resident, Submission


class AlreadySubmitted(RegistryError):
    """The key was used: ``result`` is what its first use recorded."""

    code = "already_recorded"
    status = 409

    def __init__(self, first: Submission) -> None:
        if first.result.get("change_id"):
            label = first.result.get("reason_label") or "異動"
            message = f"この入力は既に記録されています（{label}）。二重に記録することはできません。"
        elif first.result.get("pending_id"):
            message = f"この入力は既に起案されています（決裁番号 {first.result['pending_id']}）。二重に起案することはできません。"
        else:
            message = "この入力は既に処理されています。二重に記録することはできません。"
        super().__init__(message, result=first.result)
        self.result = first.result


class KeyReused(RegistryError):
    code = "idempotency_key_reused"
    status = 422

    def __init__(self) -> None:
        super().__init__("この Idempotency-Key は別の内容の異動に使われています。新しいキーを指定してください。",
                         field="Idempotency-Key")


class PossibleDuplicate(RegistryError):
    code = "possible_duplicate"
    status = 409


def digest(command: Command) -> str:
    return hashlib.sha256(json.dumps(to_dict(command), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def claim(key: str, command: Command, actor: Any) -> Submission:
    """Claim ``key`` in the caller's transaction; raises :class:`AlreadySubmitted` (same content) or
    :class:`KeyReused`. A concurrent claim of the same key waits for the first transaction and then fails."""
    fingerprint = digest(command)
    try:
        with transaction.atomic():
            return Submission.objects.create(key=key, digest=fingerprint, actor=audit.actor_label(actor)[:100])
    except IntegrityError:
        first = Submission.objects.get(key=key)
        if first.digest != fingerprint:
            raise KeyReused() from None
        raise AlreadySubmitted(first) from None


def settle(submission: Submission | None, **result: Any) -> None:
    if submission is not None:
        submission.result = result
        submission.save(update_fields=["result"])


def ensure_unused(key: str, command: Command) -> None:
    """Refuse at once a key already used (the claim in the recording transaction is what guarantees it)."""
    first = Submission.objects.filter(key=key).first() if key else None
    if first is not None:
        raise AlreadySubmitted(first) if first.digest == digest(command) else KeyReused()


def matching_residents(command: Command) -> list[dict[str, str]]:
    """Current residents sharing the 基本4情報 of someone the command enters into the registry."""
    if not isinstance(command, (RecordMoveIn, RecordExOfficioEntry)):
        return []
    address = search_key(command.banchi)
    found = []
    for person in command.persons:
        if person.atena_number:  # 再転入 of a 除票: the person is named by number, not matched by facts
            continue
        same = Resident.objects.filter(name_key=search_key(person.name)[:200], birth_date=person.birth_date,
                                       sex=person.sex)
        rows = same.filter(status=ACTIVE, town_code=command.town_code)
        found += [{"atena_number": r.atena_number, "name": r.name} for r in rows.only("atena_number", "name", "banchi")
                  if search_key(r.banchi) == address]
        # 4.1.1.2 (j600): 「３情報（氏名・性別・生年月日）が一致する者がいた場合は、アラートを表示し、再転入者として選択
        # できること」 — a 除票 at any address
        found += [{"atena_number": r.atena_number, "name": r.name, "removed": "1"}
                  for r in same.exclude(status=ACTIVE).only("atena_number", "name")]
    return found


def ensure_not_duplicate(command: Command, *, actor: Any, override: bool) -> list[dict[str, str]]:
    """Refuse a 転入 that matches a current resident unless ``override``; returns the matches (for the audit
    entry of an override, :func:`audit_override`)."""
    matches = matching_residents(command)
    if matches and not override:
        audit.record(actor, "registry.change", command.command_type, "refused", code=PossibleDuplicate.code,
                     matched=[m["atena_number"] for m in matches])
        current = "、".join(m["atena_number"] for m in matches if not m.get("removed"))
        removed = "、".join(m["atena_number"] for m in matches if m.get("removed"))
        said = ([f"氏名・生年月日・性別・住所が現に住民である方（宛名番号 {current}）と一致します。"] if current else []) + (
            [f"氏名・性別・生年月日が除票の方（宛名番号 {removed}）と一致します。再転入者であれば、その宛名番号を指定して"
             "再転入として入力してください（標準仕様書 4.1.1.2）。"] if removed else [])
        raise PossibleDuplicate(
            "".join(said) + "二重登録でないことを確認し、同一人ではない場合に限り「重複を確認のうえ記録する」を選んでください。",
            matched=matches)
    return matches


def audit_override(actor: Any, matches: list[dict[str, str]], resource: str) -> None:
    """The clerk's explicit override of a 基本4情報 match, with the residents it matched."""
    if matches:
        audit.record(actor, "registry.duplicate_override", resource, "ok",
                     matched=[m["atena_number"] for m in matches])
