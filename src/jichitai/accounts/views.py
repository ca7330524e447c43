"""Login in two steps (password, then a TOTP code; enrolment the first time), logout, the home page per role."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from jichitai.accounts import roles as R
from jichitai.accounts import twofactor
from jichitai.accounts.guards import public, requires, safe_next
from jichitai.accounts.navigation import visible
from jichitai.audit import services as audit

BAD_LOGIN = "職員番号またはパスワードが正しくありません。"
LOCKED = "ログインに続けて失敗したため、しばらくの間ログインできません。時間をおいて再度お試しいただくか、システム管理者にお問い合わせください。"


BAD_CODE = ("確認コードが正しくありません。認証アプリに表示されている最新の6桁、または未使用の回復コード（8文字）を"
            "入力してください（一度使ったコードは使えません）。")
EXPIRED = "ログインの有効時間が過ぎました。もう一度職員番号とパスワードを入力してください。"


class LoginForm(forms.Form):
    username = forms.CharField(label="職員番号", max_length=150)
    password = forms.CharField(label="パスワード", widget=forms.PasswordInput, strip=False)


class CodeForm(forms.Form):
    code = forms.CharField(label="確認コード", max_length=20)


def _with_next(name: str, next_url: str) -> str:
    return reverse(name) + (f"?{urlencode({'next': next_url})}" if next_url else "")


@public
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1 of 2: the password. A right one leads to the code (or, the first time, enrolment) step."""
    form = LoginForm(request.POST or None)
    error = ""
    next_url = safe_next(request)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is not None:
            twofactor.start(request, user)
            return redirect(_with_next("accounts:otp", next_url))
        error = LOCKED if getattr(request, "login_locked", False) else BAD_LOGIN
    elif request.method == "POST":
        error = BAD_LOGIN
    return render(request, "accounts/login.html", {
        "form": form, "error": error, "next": next_url, "oidc": settings.CONFIG.oidc_enabled,
        "demo": settings.CONFIG.mode == "demo",
    }, status=401 if error else 200)


@public
@require_http_methods(["GET", "POST"])
def otp_view(request: HttpRequest) -> HttpResponse:
    """Step 2 of 2: the six-digit code from the member of staff's authenticator app."""
    staff = twofactor.candidate(request)
    next_url = safe_next(request)
    if staff is None:
        return redirect(_with_next("accounts:login", next_url)) if not request.user.is_authenticated \
            else redirect(next_url or "accounts:home")
    device = twofactor.confirmed_device(staff)
    if device is None:
        return redirect(_with_next("accounts:enrol", next_url))
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST":
        code = form.cleaned_data["code"] if form.is_valid() else ""
        if code and twofactor.looks_like_recovery_code(code):  # a recovery code in place of the app's
            recovery = twofactor.check_recovery_code(request, staff, code)
            if recovery is not None:
                twofactor.complete(request, staff, recovery)
                return redirect(next_url or "accounts:home")
        elif code and twofactor.check_code(request, staff, device, code):
            twofactor.complete(request, staff, device)
            return redirect(next_url or "accounts:home")
        error = LOCKED if getattr(request, "login_locked", False) else BAD_CODE
    return render(request, "accounts/otp.html", {"form": form, "error": error, "next": next_url, "staff": staff,
                                                 "demo": settings.CONFIG.mode == "demo"}, status=401 if error else 200)


@public
@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    """First login: register an authenticator app (QR code drawn here), confirmed by its first code."""
    staff = twofactor.candidate(request)
    next_url = safe_next(request)
    if staff is None:
        return redirect(_with_next("accounts:login", next_url))
    if twofactor.confirmed_device(staff) is not None:
        return redirect(_with_next("accounts:otp", next_url))
    device = twofactor.enrolment_device(staff)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid() and twofactor.check_code(request, staff, device, form.cleaned_data["code"]):
            twofactor.complete(request, staff, device, enrolled=True)
            # shown once, on this answer only: nowhere else can they be read again (new ones replace them)
            response = render(request, "accounts/recovery_codes.html", {
                "codes": twofactor.issue_recovery_codes(staff), "next": next_url or reverse("accounts:home")})
            response["Cache-Control"] = "no-store"
            return response
        error = LOCKED if getattr(request, "login_locked", False) else BAD_CODE
    return render(request, "accounts/enrol.html", {
        "form": form, "error": error, "next": next_url, "staff": staff,
        "qr": mark_safe(twofactor.qr_svg(device.config_url)),  # noqa: S308 - SVG drawn by segno from our own URI
        "secret": twofactor.secret_base32(device),
    }, status=401 if error else 200)


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(request.user, "logout", f"staff:{request.user.get_username()}")
    logout(request)
    return redirect("accounts:login")


ROLE_GREETING = {
    R.COUNTER_CLERK: "窓口業務: 住民の検索、異動届の入力、証明書の交付を行います。",
    R.SUPERVISOR: "決裁: 職権による異動や更正の承認、支援措置対象者への請求の確認を行います。",
    R.TAX_REVIEWER: "税務審査: 自動審査で確認が必要となった申告を処理します。",
    R.ANALYST: "分析: データラウンジで指標を分析し、ダッシュボードを共有します。",
    R.SYSADMIN: "システム管理: 職員・課・連携システムのマスタ、データ連携と災害対策の状況を管理します。",
    R.AUDITOR: "監査: アクセスログを閲覧し、改ざんがないことを検証します。",
    R.RESEARCHER: "個票分析: 承認された研究のため、仮名化された個票テーブルに自分のエンジンから接続できます（利用は記録されます）。",
    R.SUPPORT_OFFICER: "支援措置責任者: 抑止・支援措置の設定・延長・終了と一時解除、照会抑止の対象者にかかる職権異動の確認と決裁を行います（すべて記録されます）。",
}


@requires("home.view")
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    codes = user.role_codes()  # type: ignore[union-attr]
    greetings = [(R.ROLES[c], ROLE_GREETING[c]) for c in R.ROLES if c in codes]
    return render(request, "accounts/home.html", {"greetings": greetings, "tiles": visible(user)})
