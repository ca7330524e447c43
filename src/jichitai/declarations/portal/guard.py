"""The guard of every resident page: ``@resident_requires(action)``.

A resident signs in through the portal (OpenID Connect, or the demo login outside production) and is kept in
the session as a :class:`ResidentActor`; the one permission check (``policy.allowed``) decides. The decorator
marks the view with ``jichitai_action`` like ``accounts.guards.requires`` so the permission-walk test sees it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jichitai.accounts.policy import ACTIONS, allowed
from jichitai.audit import services as audit
from jichitai.declarations.actors import SESSION_KEY, ResidentActor

V = TypeVar("V", bound=Callable[..., HttpResponse])


def resident_of(request: HttpRequest) -> ResidentActor | None:
    """The signed-in resident, with the blind index their registry row has now: after ``jichitai vault rotate``
    the index a session was opened with is the retired key's, and the resident would no longer see their own
    declarations. The row is found by the 宛名番号 the sign-in established (the same person)."""
    actor = ResidentActor.from_session(request.session.get(SESSION_KEY))
    if actor is None or not actor.atena_number:
        return actor
    from jichitai.registry.models import Resident

    index = Resident.objects.filter(pk=actor.atena_number).values_list("my_number_index", flat=True).first()
    if index and index != actor.my_number_index:
        actor = dataclasses.replace(actor, my_number_index=index)
        request.session[SESSION_KEY] = actor.as_session()
    return actor


def sign_in(request: HttpRequest, actor: ResidentActor) -> None:
    request.session.cycle_key()  # a fresh session id at sign-in (no fixation)
    request.session[SESSION_KEY] = actor.as_session()
    audit.record(actor, "login", actor.audit_label(), "ok", method=actor.method)


def sign_out(request: HttpRequest) -> None:
    actor = resident_of(request)
    if actor is not None:
        audit.record(actor, "logout", actor.audit_label())
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def resident_requires(action: str) -> Callable[[V], V]:
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")

    def decorate(view: V) -> V:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            actor = resident_of(request)
            if actor is None:
                return redirect(f"/declarations/portal/?next={request.path}")
            if not allowed(actor, action):
                audit.record(actor, action, request.path, "refused")
                return render(request, "errors/403.html", {"action_label": ACTIONS[action].label}, status=403)
            request.resident = actor  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        guarded.jichitai_action = action  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate
