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
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.text import search_key
from jichitai.registry import suppression
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


FourFacts = tuple[str, Any, str, str, str]  # 氏名 key, 生年月日, 性別, 町字, 番地 key


def _entering(command: Command) -> list[FourFacts]:
    """The 基本4情報 of each person ``command`` enters into the registry (a 再転入 named by 宛名番号 is not
    matched by facts)."""
    if not isinstance(command, (RecordMoveIn, RecordExOfficioEntry)):
        return []
    return [(search_key(p.name)[:200], p.birth_date, p.sex, command.town_code, search_key(command.banchi))
            for p in command.persons if not p.atena_number]


def current_matches(commands: Iterable[Command]) -> dict[Any, list[dict[str, Any]]]:
    """The residents a batch's new people may duplicate, in one query: current residents sharing the 基本4情報
    (keyed by the four facts), and 除票 sharing 氏名・性別・生年月日 at any address (keyed by those three, marked
    ``removed``: 4.1.1.2 (j600) 「３情報（氏名・性別・生年月日）が一致する者がいた場合は、アラートを表示し、再転入者
    として選択できること」)."""
    wanted = {f for c in commands for f in _entering(c)}
    if not wanted:
        return {}
    rows = Resident.objects.filter(name_key__in={f[0] for f in wanted}, birth_date__in={f[1] for f in wanted}).values(
        "atena_number", "name", "name_key", "birth_date", "sex", "status", "setai_number", "town_code", "banchi",
        "katagaki")
    three = {f[:3] for f in wanted}
    out: dict[Any, list[dict[str, Any]]] = {}
    for r in rows:
        facts = (r["name_key"], r["birth_date"], r["sex"], r["town_code"], search_key(r["banchi"]))
        if r["status"] == ACTIVE and facts in wanted:
            out.setdefault(facts, []).append(dict(r))
        elif r["status"] != ACTIVE and facts[:3] in three:
            out.setdefault(facts[:3], []).append({**r, "removed": "1"})
    return out


class DuplicateCheck:
    """The 基本4情報 check of a batch of 異動 (:func:`jichitai.registry.services.apply_many`): each person entered
    is compared with the current residents and with the people entered earlier in the same batch.

    A match that 照会抑止 hides from this member of staff (the person's, their household's or their place's,
    3.1) is never named nor even hinted at to someone without the right to see protected people
    (``registry.suppression.view``): the warning would confirm to them that the person lives at the address
    they typed. The 異動 is then recorded as if nothing matched, and the match is audited on the protected
    person (``withheld``, in the 支援措置責任者's list) for them to resolve. A match under 支援措置 alone is
    named (staff may read such a record) and audited on the person too (``ok``), as a read of them is."""

    def __init__(self, commands: list[Command], actor: Any, guard: Any) -> None:
        self.existing = current_matches(commands)
        self.entered: dict[FourFacts, list[dict[str, Any]]] = {}
        self.actor, self.guard = actor, guard
        self.sees_protected = allowed(actor, "registry.suppression.view")

    def check(self, command: Command, *, override: bool) -> tuple[list[dict[str, Any]], list[audit.Event]]:
        """(the matches named to the clerk, the audit events to write): raises :class:`PossibleDuplicate` for a
        named match without ``override``."""
        found: dict[str, dict[str, Any]] = {}
        for facts in _entering(command):
            for r in [*self.existing.get(facts, []), *self.existing.get(facts[:3], []), *self.entered.get(facts, [])]:
                found.setdefault(r["atena_number"], r)
        hidden = {a: r for a, r in found.items() if not self.sees_protected and self.guard.hides_from_staff(r)}
        named = [{"atena_number": a, "name": r["name"], **({"removed": "1"} if r.get("removed") else {})}
                 for a, r in found.items() if a not in hidden]
        protected = {a: r for a, r in found.items() if self.guard.kinds(r) & suppression.PRIVACY}
        events = [audit.Event(self.actor, "registry.duplicate_check", f"resident:{a}",
                              "withheld" if a in hidden else "ok",  # a 支援措置 match named to staff: listed too
                              {"code": suppression.CODE, "protected_by": self.guard.protected_by(r),
                               "via": "duplicate_check", "command": command.command_type})
                  for a, r in protected.items()]
        if named and not override:
            current = "、".join(m["atena_number"] for m in named if not m.get("removed"))
            removed = "、".join(m["atena_number"] for m in named if m.get("removed"))
            said = ([f"氏名・生年月日・性別・住所が現に住民である方（宛名番号 {current}）と一致します。"] if current else []) + (
                [f"氏名・性別・生年月日が除票の方（宛名番号 {removed}）と一致します。再転入者であれば、その宛名番号を指定して"
                 "再転入として入力してください（標準仕様書 4.1.1.2）。"] if removed else [])
            error = PossibleDuplicate("".join(said) + "二重登録でないことを確認し、同一人ではない場合に限り"
                                      "「重複を確認のうえ記録する」を選んでください。", matched=named)
            for event in events:  # written now, and again after the rollback of the refused batch
                audit.carry(error, event)
            raise error
        return named, events

    def entered_by(self, change: Any) -> None:
        """Remember who ``change`` entered: a later command of the batch is compared with them too."""
        for e in change.entries:
            a = e.after
            if e.before is None:
                facts = (search_key(a.name)[:200], a.birth_date, a.sex, a.town_code, search_key(a.banchi))
                self.entered.setdefault(facts, []).append(
                    {"atena_number": a.atena_number, "name": a.name, "setai_number": a.setai_number,
                     "town_code": a.town_code, "banchi": a.banchi, "katagaki": a.katagaki})


def shown_matches(actor: Any, command: Command) -> list[dict[str, Any]]:
    """The 転入's duplicate warning on the confirmation page: the matches this member of staff may be told of
    (:class:`DuplicateCheck`); a hidden one is audited, not shown."""
    from jichitai.registry.suppression import shield

    check = DuplicateCheck([command], actor, shield())
    named, events = check.check(command, override=True)
    audit.record_many(events)
    return named


def ensure_not_duplicate(command: Command, *, actor: Any, override: bool) -> list[dict[str, Any]]:
    """The check before a 職権記載 is drafted (起案; the same check runs again when it is recorded)."""
    from jichitai.registry.suppression import shield

    try:
        named, events = DuplicateCheck([command], actor, shield()).check(command, override=override)
    except PossibleDuplicate as exc:
        audit.record(actor, "registry.change", command.command_type, "refused", code=PossibleDuplicate.code,
                     matched=[m["atena_number"] for m in exc.fields.get("matched", [])])
        raise
    audit.record_many(events)
    return named


def override_event(actor: Any, matches: list[dict[str, Any]], resource: str) -> audit.Event:
    """The clerk's explicit override of a 基本4情報 match, with the residents it matched."""
    return audit.Event(actor, "registry.duplicate_override", resource, "ok",
                       {"matched": [m["atena_number"] for m in matches]}, tuple(m["atena_number"] for m in matches))


def audit_override(actor: Any, matches: list[dict[str, Any]], resource: str) -> None:
    if matches:
        audit.record_many([override_event(actor, matches, resource)])
