"""``jichitai vault rotate [--new-key FILE | --generate] [--batch N] | status``: the 個人番号 keys."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jichitai.common import vault as vault_mod

PHASES = {"read": "個人番号の読み取り", "people": "索引の付け替え（人ごと）", "lake": "分析基盤の索引の付け替え（行）",
          "files": "受付ファイルの再封緘"}
LEGACY_LABEL = "旧形式（鍵IDなし）"


class Command(BaseCommand):
    help = "個人番号の鍵: 新しい鍵への更新（rotate）と、鍵ごとの残り件数（status）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate", help="move every ciphertext, index and sealed file to the current key "
                                               "(with --new-key/--generate: to a new key first); resumable")
        which = rotate.add_mutually_exclusive_group()
        which.add_argument("--new-key", type=Path, help="a new master key file (at least 32 random bytes)")
        which.add_argument("--generate", action="store_true", help="make a new random key")
        rotate.add_argument("--batch", type=int, default=2000, help="people (or rows) per transaction")
        sub.add_parser("status", help="how many items are left under each key id")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["action"])(opts)

    def _install(self, opts: dict[str, Any]) -> None:
        cfg = settings.CONFIG
        if not cfg.mynumber_key_file.is_file():
            raise CommandError(f"現在の個人番号の鍵ファイル {cfg.mynumber_key_file} がありません"
                               "（JICHITAI_MYNUMBER_KEY_FILE）。鍵の更新には今の鍵が必要です。")
        if opts["generate"]:
            new = os.urandom(32)
        else:
            path: Path = opts["new_key"]
            if not path.is_file():
                raise CommandError(f"新しい鍵ファイル {path} がありません。")
            new = path.read_bytes()
        if len(new) < vault_mod.MIN_KEY_BYTES:
            raise CommandError(f"新しい鍵が短すぎます（{len(new)}バイト）。鍵は{vault_mod.MIN_KEY_BYTES}バイト以上の乱数に"
                               "してください（例: head -c 32 /dev/urandom > 新しい鍵）。")
        retired = cfg.mynumber_retired_keys or cfg.mynumber_key_file.parent / "mynumber-retired"
        try:
            old_id, new_id = vault_mod.install_key(cfg.mynumber_key_file, retired, new)
        except vault_mod.KeyringError:
            raise CommandError("この鍵は既に鍵束にあります（現在の鍵か退役した鍵）。使ったことのない新しい鍵を"
                               "指定してください。") from None
        from jichitai.audit import services as audit

        audit.record("system:cli", "vault.key", f"vault:{new_id}", retired_key_id=old_id)
        self.stdout.write(f"新しい鍵 {new_id} を現在の鍵にし、鍵 {old_id} を退役させました（{retired}）。\n"
                          "Web・連携基盤などのサービスを再起動して新しい鍵を読ませてください。")

    def _rotate(self, opts: dict[str, Any]) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from jichitai.audit import services as audit
        from jichitai.rotation import services

        if opts["batch"] < 1:
            raise CommandError("--batch は1以上にしてください。")
        if opts["new_key"] is not None or opts["generate"]:
            self._install(opts)
        try:
            ring = services.keyring()
        except (vault_mod.KeyringError, FileNotFoundError) as exc:
            raise CommandError(f"個人番号の鍵を読めません: {exc}") from None
        report = services.Rotation(ring.key_id)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        try:
            with Progress(*columns, transient=False) as bar:
                tasks: dict[str, Any] = {}

                class Bars:
                    def start(self, phase: str, total: int) -> None:
                        label = PHASES.get(phase) or "再暗号化: " + phase.removeprefix("cipher:")
                        tasks[phase] = bar.add_task(label, total=total)

                    def advance(self, phase: str, n: int) -> None:
                        bar.advance(tasks[phase], n)

                services.rotate(batch=opts["batch"], progress=Bars(), report=report)
        except (KeyboardInterrupt, Exception) as exc:
            audit.record("system:cli", "vault.rotate", f"vault:{ring.key_id}", "failed", **report.as_detail())
            from pyiceberg.exceptions import CommitFailedException, ValidationException

            if isinstance(exc, CommitFailedException | ValidationException):
                raise CommandError("分析基盤の表の書き換えが、同時に行われた取り込みと3回続けて競合しました。"
                                   "連携基盤（jichitai-hub）を止めてから、もう一度実行してください（済んだ分は飛ばします）。"
                                   ) from None
            if isinstance(exc, vault_mod.KeyringError):
                raise CommandError(f"鍵束にない鍵で暗号化されたデータがあります: {exc}。その鍵を退役鍵のフォルダ"
                                   "（JICHITAI_MYNUMBER_RETIRED_KEYS）に戻してから、もう一度実行してください。") from None
            raise
        audit.record("system:cli", "vault.rotate", f"vault:{ring.key_id}", **report.as_detail())
        self.stdout.write(
            f"鍵 {ring.key_id} への更新が終わりました。個人番号 {report.numbers:,}件、索引を付け替えた行 "
            f"{sum(report.reindexed.values()):,}、再暗号化した行 {sum(report.reencrypted.values()):,}、"
            f"再封緘したファイル {report.resealed_files:,}、クライアントシークレット {report.resealed_secrets:,}。"
            f"分析基盤では索引を付け替えた行 {sum(report.lake.values()):,}、削除した古い版（スナップショット） "
            f"{sum(report.lake_expired.values()):,}、ファイル {report.lake_files_deleted:,}。")
        if report.plain_files:
            self.stdout.write(f"暗号化されていない受付ファイルが {report.plain_files:,}件あります: "
                              "jichitai hub seal-files で封緘してください。")
        if report.missing_files:
            self.stdout.write(f"見つからない受付ファイルが {report.missing_files:,}件あります。")
        self.stdout.write("jichitai vault status で残りが0件であることを確かめてから、退役した鍵を削除できます。")

    def _status(self, opts: dict[str, Any]) -> None:
        from jichitai.hub.monitor import LAKE_LABELS
        from jichitai.rotation import services

        ring = services.keyring()
        counts = services.status()
        retired = ", ".join(v.key_id for v in ring.retired) or "なし"
        self.stdout.write(f"現在の鍵: {ring.key_id}　退役した鍵: {retired}")
        for label, by_key in counts.items():
            if not by_key:
                continue
            if label in (services.LAKE_INDEXES, services.LAKE_HISTORY):
                unit = "行" if label == services.LAKE_INDEXES else "版"
                self.stdout.write(f"{label}: " + "、".join(
                    f"{LAKE_LABELS.get(t, t)}（{t}）{n:,}{unit}" for t, n in sorted(by_key.items())))
                continue
            parts = []
            for kid, n in sorted(by_key.items()):
                name = {"": LEGACY_LABEL, "plain": "未封緘", "missing": "ファイルなし"}.get(kid, kid)
                if kid == ring.key_id:
                    name += "（現在）"
                parts.append(f"{name} {n:,}")
            self.stdout.write(f"{label}: " + "、".join(parts))
        left = services.remaining(counts, ring.key_id)
        self.stdout.write(f"現在の鍵に移っていないもの: {left:,}件" + ("（退役した鍵を削除できます）" if not left else ""))
