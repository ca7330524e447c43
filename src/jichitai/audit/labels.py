"""The access log in words: what each recorded action, target and outcome means, for the auditor's pages and files.

An entry keeps its codes (the chain hashes them, filters match them); a person reads the words. Actions that are
permissions take their label from the one policy (``accounts.policy.ACTIONS``); the few recorded actions that are
not permissions (a login, a token, an API request) are named here. ``tests/audit/test_labels.py`` walks every
literal action in the source and fails on one without words.
"""

from __future__ import annotations

import re

OUTCOMES = {"ok": "成功", "refused": "拒否", "failed": "失敗", "pending": "決裁待ち", "rejected": "却下",
            "withheld": "抑止により非表示", "disclosed": "確認のため表示", "alert": "通知"}

EXTRA_ACTIONS = {
    "login": "ログイン",
    "login.password": "ログイン（パスワード）",
    "login.recovery": "ログイン（回復コード）",
    "login.recovery_codes": "回復コードの発行",
    "logout": "ログアウト",
    "accounts.roles": "職員の役割の変更",
    "accounts.second_factor_reset": "二要素認証の再設定",
    "admin.add": "管理画面での登録",
    "admin.change": "管理画面での変更",
    "admin.delete": "管理画面での削除",
    "api.request": "APIの呼出し",
    "request.input": "入力の拒否（使えない文字・形式）",
    "audit.analysis": "アクセスログの分析",
    "hub.authenticate": "連携システムの認証",
    "hub.oauth.token": "アクセストークンの発行",
    "hub.oauth.scope": "アクセストークンの権限確認",
    "hub.oauth.revoke": "アクセストークンの失効",
    "hub.oauth.purge": "期限切れトークンの削除",
    "jutogai.merge": "住登外者の重複の統合",
    "lake.land": "分析基盤への格納",
    "tax.notice.print": "税の通知書の印刷",
    "togo.assign": "団体内統合宛名番号の付番",
    "togo.from_togo": "団体内統合宛名番号から宛名番号への変換",
    "togo.to_togo": "宛名番号から団体内統合宛名番号への変換",
    "vault.key": "個人番号の鍵の交換",
    "vault.rotate": "個人番号の鍵の更新（再暗号化）",
}

# what a target's kind is, by the prefix before its first colon (longest first, so "hub.feed" wins over "hub")
RESOURCE_KINDS = {
    "resident": "住民 宛名番号", "resident-oidc": "住民（シングルサインオン）", "household": "世帯 世帯番号",
    "households": "世帯", "municipality": "市区町村（転入通知の転出地） 市区町村コード",
    "change": "異動の届出", "pending": "決裁待ちの異動", "certificate": "証明書", "search": "住民の検索",
    "suppression": "抑止設定", "suppressions": "抑止設定の一覧", "suppression-attempts": "抑止対象への操作試行の一覧",
    "support_request": "支援措置の申出", "export": "住民記録の出力", "import": "住民記録の取込",
    "staff": "職員", "accounts.Staff": "職員", "role_change": "役割の変更", "system": "連携システム",
    "hub.System": "連携システム", "hub.client": "連携システムの認証情報", "hub.feed": "連携フィード",
    "hub.file": "連携ファイル", "hub.tokens": "アクセストークン", "api": "API",
    "declaration": "申告", "declarations": "申告", "declarations.jsonl": "申告データの取込", "batch": "一括審査",
    "tax": "住民税", "tax.report": "支払報告書", "tax.payments": "収納データファイル", "jutogai": "住登外者", "togo": "団体内統合宛名番号",
    "audit": "アクセスログ", "lounge": "データラウンジ", "lounge.dashboard": "ダッシュボード",
    "lounge.export": "集計データの出力", "lounge.indicator": "指標", "lounge.lineage": "データの由来",
    "lounge.marts": "マート", "lounge.projection": "将来人口推計", "lounge.sql": "SQL照会", "oidc": "シングルサインオン",
    "lounge.catalogue": "カタログ（集計表）", "lounge.catalogue.person_level": "カタログ（個票テーブル）",
    "lounge.indicators": "指標の一覧", "inspection": "住民基本台帳の一部の写し（閲覧用）",
    "vault": "個人番号の鍵 鍵ID",
}
RESOURCE_NAMES = {  # whole targets that are one fixed thing
    "audit:log": "アクセスログの一覧", "audit:chain": "アクセスログの連鎖", "lounge:index": "データラウンジの目次",
    "lounge:freshness": "マートの更新状況", "households:headless": "世帯主のいない世帯の一覧", "tax:held-reports": "保留中の支払報告書", "jutogai:search": "住登外者の検索",
    "jutogai:number": "住登外者宛名番号の付番", "jutogai:migration": "住登外者の移行", "togo:all": "団体内統合宛名番号（全件）",
    "togo:my_number": "個人番号による団体内統合宛名番号の照会", "import:csv": "住民記録のCSV取込",
    "lounge.export:index": "集計データの出力一覧", "hub.feed:atena-extract": "連携フィード 宛名情報の全件",
}
_KIND = re.compile(r"^([A-Za-z_.\-]+):(.*)$", re.S)


def action_label(code: str) -> str:
    from jichitai.accounts.policy import ACTIONS

    action = ACTIONS.get(code)
    if action is not None:
        return action.label
    return EXTRA_ACTIONS.get(code, code)


def action_choices() -> list[tuple[str, str]]:
    """Every action an auditor may filter by, in words, sorted by its words."""
    from jichitai.accounts.policy import ACTIONS

    labels = {code: a.label for code, a in ACTIONS.items()} | EXTRA_ACTIONS
    return sorted(labels.items(), key=lambda kv: kv[1])


def resource_label(resource: str) -> str:
    """「住民 宛名番号 000123」 for ``resident:000123``; a page's address stays an address (「画面 /registry/…」)."""
    if resource in RESOURCE_NAMES:
        return RESOURCE_NAMES[resource]
    if resource.startswith("/"):
        return f"画面 {resource}"
    if resource.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE ")):
        method, _, path = resource.partition(" ")
        return f"{'参照' if method == 'GET' else '送信'} {path}"
    if resource in RESOURCE_KINDS:
        return RESOURCE_KINDS[resource]
    m = _KIND.match(resource)
    if m is None or m.group(1) not in RESOURCE_KINDS:
        return resource
    rest = m.group(2)
    if m.group(1) == "api":  # the API's own name of what it served
        return f"API {resource_label(rest)}"
    return f"{RESOURCE_KINDS[m.group(1)]} {rest}" if rest else RESOURCE_KINDS[m.group(1)]


def outcome_label(code: str) -> str:
    return OUTCOMES.get(code, code)
