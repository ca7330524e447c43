"""The permission policy: which roles may perform which action, and the one check ``allowed``.

Each app declares its actions in its own ``policy.py`` with :func:`define` (loaded at start by
``autodiscover_modules("policy")``). A resource may add its own rule by defining
``permits(actor, action) -> bool``: a dashboard shared with one department, a feed granted to one system.
Both must agree: the role grant first (and the department's 所管業務 when the action names one), then the
city's grant of a common function when the action names one (``grant=``: a connected system must hold it, and a
token presented for it its scope — the actor answers through ``holds_grant``), then the resource's rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from jichitai.accounts import roles as R


class Actor(Protocol):
    @property
    def is_active(self) -> bool: ...

    def role_codes(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    roles: frozenset[str]
    duty: str | None = None  # the 所管業務 the actor's department must own (roles.DUTIES), if any
    grant: str | None = None  # the common function a connected system must be granted by the city, if any


ACTIONS: dict[str, Action] = {}


def define(name: str, label: str, roles: Iterable[str], *, duty: str | None = None,
           grant: str | None = None) -> Action:
    """Declare an action and the roles granted it; with ``duty``, only to staff of a department owning that duty
    (a supervisor approves their own department's work only); with ``grant``, an actor that can be granted
    functions (a connected system: ``holds_grant``) only when the city granted it that function (共通機能標準仕様書
    2.2: access per business system). Declaring a name twice differently is a bug."""
    if duty is not None and duty not in R.DUTIES:
        raise ValueError(f"unknown duty {duty!r}")
    action = Action(name, label, frozenset(roles), duty, grant)
    existing = ACTIONS.get(name)
    if existing is not None and existing != action:
        raise ValueError(f"action {name!r} declared twice with different grants")
    ACTIONS[name] = action
    return action


def allowed(actor: Any, action: str, resource: Any = None) -> bool:
    """May ``actor`` perform ``action`` on ``resource``? The only permission question the platform asks."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}: declare it with policy.define")
    if actor is None or not getattr(actor, "is_authenticated", True) or not getattr(actor, "is_active", False):
        return False
    if action not in _granted(actor):
        return False
    holds_grant = getattr(actor, "holds_grant", None)
    if ACTIONS[action].grant is not None and holds_grant is not None and not holds_grant(ACTIONS[action].grant):
        return False
    permits = getattr(resource, "permits", None)
    if permits is not None:
        return bool(permits(actor, action))
    return True


def _granted(actor: Any) -> frozenset[str]:
    """The actions the actor's roles grant (and their department's 所管業務, for an action bound to one),
    worked out once for the roles and duties the actor holds and kept on it: a page asking ``allowed`` for each
    of its menu entries looks each up in one set. The actor's roles are read once a request (the staff member is
    loaded afresh for each), so a changed role counts from the next request."""
    role_codes = actor.role_codes() if hasattr(actor, "role_codes") else frozenset()
    key = (role_codes, len(ACTIONS))  # the duties follow the department, which an actor keeps (Staff.duties)
    kept = getattr(actor, "_granted_actions", None)
    if kept is not None and kept[0] == key:
        return kept[1]
    duties: frozenset[str] | None = None
    granted = set()
    for name, declared in ACTIONS.items():
        if not role_codes & declared.roles:
            continue
        if declared.duty is not None:
            if duties is None:  # asked only when a granted action is bound to a duty (it may read the 所属課)
                duties = actor.duties() if hasattr(actor, "duties") else frozenset()
            if declared.duty not in duties:
                continue
        granted.add(name)
    result = frozenset(granted)
    try:
        actor._granted_actions = (key, result)
    except AttributeError:  # an actor that keeps nothing (frozen): worked out again on each call
        pass
    return result


# The foundation's own actions.
define("home.view", "ホーム画面", R.ALL_STAFF)
define("admin.enter", "管理画面への入場（見られる項目は各画面の権限による）", {R.SYSADMIN, R.AUDITOR})
define("admin.access", "管理画面の利用", {R.SYSADMIN})
define("admin.manage", "マスタデータの変更", {R.SYSADMIN})
define("audit.view", "アクセスログの閲覧", {R.AUDITOR, R.SYSADMIN})
define("audit.verify", "アクセスログの検証", {R.AUDITOR, R.SYSADMIN})
