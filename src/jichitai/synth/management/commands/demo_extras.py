"""``jichitai demo_extras``: after ``jichitai synth city``, run the synthetic city's files through the product so
that every part of the demo has data. Wiring only: each step calls the service (or command) the product uses.

Order: hub catalogue and the demo grants → the employers' and pension payers' reports and the other systems'
extracts received through the hub's file intake (the reports are stored for the tax context in the same
transaction) → declarations imported and reviewed (the review reads the reports; accepted ones reach the
assessment) → the annual assessment (uses accepted declarations, else the reports) → one hub cycle (relay the
registry's outbox, land events and files raw → standard → lounge zone) and the tax and declarations outcomes
landed in the lounge zone → the lounge marts refreshed. Every step is idempotent: a second run adds nothing.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar, cast

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

T = TypeVar("T")
DEMO_PURPOSE = "デモ（make demo の見本）"

# (sending system, hub feed, file written by `jichitai synth city`)
INCOMING_FILES: tuple[tuple[str, str, str], ...] = (
    ("kojin_juminzei", "salary-report", "kyuyo_shiharai_hokokusho.csv"),
    ("kojin_juminzei", "pension-report", "koteki_nenkin_shiharai_hokokusho.csv"),
    ("kojin_juminzei", "final-return", "kakutei_shinkokusho.csv"),
    ("kojin_juminzei", "pension-withholding-target", "nenkin_tokucho_taishosha.csv"),
    ("kokuho", "kokuho-shikaku", "kokuho_shikaku.csv"),
    ("kokuho", "kokuho-zei", "kokuho_zei.csv"),
    ("shogaisha", "shogai-techo", "shogai_techo.csv"),
    ("jido_teate", "jido-teate", "jido_teate.csv"),
    ("kaigo", "kaigo-nintei", "kaigo_nintei.csv"),
)
FEED_NAMES = {"salary-report": "給与支払報告書", "pension-report": "公的年金等支払報告書",
              "final-return": "確定申告書（国税連携）", "pension-withholding-target": "年金特別徴収対象者情報",
              "kokuho-shikaku": "国保 資格情報", "kokuho-zei": "国保税 納付情報", "shogai-techo": "障害者手帳情報",
              "jido-teate": "児童手当 受給情報", "kaigo-nintei": "介護 要介護認定"}


class Command(BaseCommand):
    help = "デモ: 合成都市のファイルを連携基盤から取り込み、申告審査・賦課・データレイク・ラウンジまで通す（冪等）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--synth-dir", type=Path, default=None,
                            help="files of `jichitai synth city` (default $JICHITAI_VAR/synth)")
        parser.add_argument("--fiscal-year", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.CONFIG.is_production:
            raise CommandError("demo_extras is refused in production mode")
        source: Path = options["synth_dir"] or Path(settings.CONFIG.var_dir) / "synth"
        if not (source / "manifest.json").is_file():
            raise CommandError(f"{source} に合成都市のファイルがありません（先に jichitai synth city を実行してください）")
        fy = options["fiscal_year"]
        self.stdout.ending = ""  # rich writes whole lines itself
        console = Console(file=cast(IO[str], self.stdout), force_terminal=False)
        lines: list[tuple[str, str]] = []
        started = time.perf_counter()
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, transient=False) as progress:

            def step(label: str, fn: Callable[[], T], total: int = 1) -> T:
                task = progress.add_task(label, total=total)
                result = fn()
                progress.update(task, completed=total)
                return result

            keys = step("連携基盤: カタログと連携権限", self._catalogue)
            lines.extend(("APIキー・OAuthクライアントシークレット（初回のみ表示）", k) for k in keys)
            lines.extend(self._files(progress, source))
            lines.append(("申告の取込", step("申告: 取込", lambda: self._import(source / "declarations.jsonl", fy))))
            lines.append(("自動審査", step("申告: 自動審査", lambda: self._command("declarations", "review",
                                                                              "--fiscal-year", str(fy)))))
            lines.append(("賦課", step(f"個人住民税: {fy}年度 賦課", lambda: self._assess(fy))))
            lines.append(("徴収計画と通知書", step(f"個人住民税: {fy}年度 徴収計画・通知書", lambda: self._collect(fy))))
            lines.append(("収納", step(f"個人住民税: {fy}年度 コンビニ収納の速報（合成）", lambda: self._payments(fy))))
            certificate = step(f"個人住民税: {fy}年度 課税証明書の見本", lambda: self._certificate(fy))
            lines.append(("課税証明書", certificate[0]))
            lines.append(("データレイク", step("連携基盤: 中継と取込 (raw → standard → lounge)", self._land)))
            lines.append(("ラウンジ（賦課・申告）", step("ラウンジ区画: 賦課と申告の結果", self._outcomes)))
            lines.append(("ラウンジの集計", step("ラウンジ: 集計表の再計算", self._refresh)))
            lines.append(("ラウンジの地図", step("ラウンジ: 合成の境界（区・町字・小学校区）", self._boundaries)))
        summary = Table(title=f"デモデータの準備 ({time.perf_counter() - started:.1f} 秒)")
        summary.add_column("項目")
        summary.add_column("結果")
        for label, text in lines:
            summary.add_row(label, text)
        console.print(summary)
        console.print(self._ward_table(fy))
        port = os.environ.get("PORT", "8000")
        console.print(f"住民向け申告ポータル: http://127.0.0.1:{port}/declarations/portal/ （職員ログイン画面からもリンク）")
        if certificate[1]:
            console.print(f"納税者の照会（課税証明書へのリンク）: http://127.0.0.1:{port}/tax/taxpayers/{certificate[1]}/ "
                          "（職員 zeimu でログイン）")
        demo = self._demo_resident(source)
        console.print(f"デモ用の住民ログイン: 個人番号 {demo[0]}（{demo[1]}、給与支払報告書あり・申告はまだ）"
                      if demo else "デモ用の住民ログイン: 該当する住民がいません（合成データに給与所得者がいない）")

    def _demo_resident(self, source: Path) -> tuple[str, str] | None:
        """A resident to try the portal with: a 給与支払報告書 received, no declaration yet, living in the city, and
        not under 支援措置 (the Shield's own check: a protected person is never offered)."""
        import csv

        from jichitai.declarations.models import Declaration
        from jichitai.registry import suppression
        from jichitai.registry.models import Resident
        from jichitai.registry.store import my_number_index

        report = source / "kyuyo_shiharai_hokokusho.csv"
        if not report.exists():
            return None
        filed = set(Declaration.objects.values_list("owner_index", flat=True))
        with report.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                number = row.get("受給者個人番号") or ""
                index = my_number_index(number) if number else ""
                if not index or index in filed:
                    continue
                person = Resident.objects.filter(my_number_index=index, status="active").first()
                if person is not None and not suppression.active([person.atena_number]):
                    return number, row.get("受給者氏名") or ""
        return None

    # --- the steps: each calls the product's own service ----------------------------------------------------

    def _command(self, *argv: str) -> str:
        out = io.StringIO()
        call_command(*argv, stdout=out)
        return out.getvalue().strip()

    def _catalogue(self) -> list[str]:
        """The catalogue (idempotent); the demo grants and keys only once (a new key would void the old one)."""
        from jichitai.hub.catalogue import install_defaults
        from jichitai.hub.models import Grant

        install_defaults()
        granted = set(Grant.objects.values_list("system__code", "feed__code"))
        if {(system, feed) for system, feed, _ in INCOMING_FILES} <= granted:
            return []
        text = self._command("hub", "seed", "--demo")
        return [line for line in text.splitlines() if ": jk_" in line]

    def _files(self, progress: Progress, source: Path) -> list[tuple[str, str]]:
        from jichitai.hub import files
        from jichitai.hub.models import System

        task = progress.add_task("連携基盤: ファイル受信（検証・保管）", total=len(INCOMING_FILES))
        out = []
        for system_code, feed, name in INCOMING_FILES:
            path = source / name
            if not path.is_file():
                out.append((FEED_NAMES[feed], f"{name} がありません"))
            else:
                got = files.receive(System.objects.get(code=system_code), feed, name, path.read_bytes())
                f = got.file
                state = "受信済（前回と同じファイル）" if got.duplicate else {"accepted": "受理", "landed": "受理・取込済",
                                                                   "quarantined": "隔離"}.get(f.status, f.status)
                out.append((FEED_NAMES[feed], f"{f.rows:,} 行 {state}" + (f"（誤り {len(f.problems)} 件）"
                                                                          if f.problems else "")))
            progress.advance(task)
        return out

    def _import(self, path: Path, fiscal_year: int) -> str:
        from jichitai.declarations import filing
        from jichitai.declarations.domain import DeclarationError

        if not path.is_file():
            return f"{path.name} がありません"
        try:
            with path.open(encoding="utf-8") as fh:
                new, skipped = filing.import_records(filing.read_jsonl(fh), fiscal_year=fiscal_year,
                                                     actor="system:demo_extras", files=path.parent)
        except DeclarationError as exc:
            raise CommandError(exc.message) from None
        return f"新規 {new:,} 件（取込済 {skipped:,} 件）"

    def _assess(self, fiscal_year: int) -> str:
        from jichitai.tax.assessment import services as assessment

        r = assessment.run(fiscal_year)
        return (f"対象 {r.considered:,} 人: 新規 {r.created:,}, 更正 {r.corrected:,}, 変更なし {r.unchanged:,}, "
                f"計算不能 {len(r.refused):,}")

    def _collect(self, fiscal_year: int) -> str:
        """The 当初 collection schedules (通知日 5月15日), every employer's data file, and a few notices as PDF
        to look at (docs/tax-year.md)."""
        import datetime as dt
        import itertools

        from jichitai.tax.collection import employer_files, notices
        from jichitai.tax.collection import services as collection
        from jichitai.tax.collection.models import CollectionSchedule

        on = dt.date(fiscal_year, 5, 15)
        r = collection.build(fiscal_year, notice_on=on)
        out = Path(settings.CONFIG.var_dir) / "collection" / str(fiscal_year)
        files = employer_files.write_all(fiscal_year, out)
        # the notice to each 年金保険者 of the 年金特徴 it withholds (地方税法第321条の7の5第1項), under nenkin/
        payers = employer_files.write_all(fiscal_year, out, kind=employer_files.PENSION)
        samples = out / "samples"
        samples.mkdir(parents=True, exist_ok=True)
        for notice in itertools.islice(employer_files.notices(fiscal_year), 3):
            (samples / f"特別徴収_{notice.payer_number}.pdf").write_bytes(
                notices.employer_notice_pdf(fiscal_year, notice.payer_number, on=on))
        for atena in CollectionSchedule.objects.filter(fiscal_year=fiscal_year, current=True, ordinary_total__gt=0)\
                .order_by("atena_number").values_list("atena_number", flat=True)[:3]:
            (samples / f"納税通知書_{atena}.pdf").write_bytes(notices.ordinary_notice_pdf(fiscal_year, atena, on=on))
        return (f"新規 {r.created:,}, 税額変更 {r.revised:,}, 変更なし {r.unchanged:,}; 特別徴収義務者 {len(files):,} 件・年金保険者 "
                f"{len(payers):,} 件のデータと通知書の見本を {out} に")

    def _payments(self, fiscal_year: int) -> str:
        """A small synthetic コンビニ収納 速報 file read by the import (some 期 納付済; one row unmatched on purpose);
        a second run records nothing new."""
        from jichitai.common.money import format_yen
        from jichitai.synth import payments
        from jichitai.tax.collection import receipts

        path = Path(settings.CONFIG.var_dir) / "collection" / str(fiscal_year) / "shuno" / "sokuhou_demo.csv"
        payments.write(fiscal_year, path)
        r = receipts.import_file(path, actor="system:demo_extras")
        return (f"{r.rows:,} 件: 記録 {r.recorded:,} 件 {format_yen(r.recorded_amount)}, 記録済み {r.already:,} 件, "
                f"消し込めない {len(r.unmatched):,} 件（{r.unmatched_file or 'なし'}）")

    def _certificate(self, fiscal_year: int) -> tuple[str, str]:
        """One 課税証明書 issued through the counter's service for a taxed resident of 1月1日 (the first the service
        accepts: not under 支援措置, resident on 1月1日), written beside the notices' samples; once (a second run
        shows the one issued). Returns (summary, 宛名番号)."""
        from jichitai.common.errors import JichitaiError
        from jichitai.tax.certificates import services as certs
        from jichitai.tax.certificates.models import TaxCertificateIssuance
        from jichitai.tax.models import Assessment

        samples = Path(settings.CONFIG.var_dir) / "collection" / str(fiscal_year) / "samples"
        samples.mkdir(parents=True, exist_ok=True)
        done = TaxCertificateIssuance.objects.filter(fiscal_year=fiscal_year, purpose=DEMO_PURPOSE).first()
        if done is not None:
            return f"交付済み（交付番号 {done.issue_number}、{samples}）", done.atena_number
        for atena in (Assessment.objects.filter(fiscal_year=fiscal_year, version=1, total__gt=0)
                      .order_by("atena_number").values_list("atena_number", flat=True)[:50]):
            try:
                issued = certs.issue("system:demo_extras", certs.Request(atena_number=atena, fiscal_year=fiscal_year,
                                                                        purpose=DEMO_PURPOSE))
            except JichitaiError:
                continue  # not taxed here on 1月1日, protected, …: the next one
            (samples / f"課税証明書_{atena}.pdf").write_bytes(issued.pdf)
            return f"交付番号 {issued.issuance.issue_number} を {samples} に", atena
        return "交付できる納税者がいません", ""

    def _land(self) -> str:
        from jichitai.hub.landing import run_cycle

        r = run_cycle(refresh=True)
        sizes = set(r.landed.values())
        landed = f"各 {sizes.pop():,} 件" if len(sizes) == 1 else "、".join(f"{t} {n:,}" for t, n in r.landed.items())
        return (f"中継 {r.relayed:,} 件、異動の取込 {landed}（raw・standard・lounge）、ファイル {r.files} 件、"
                f"ラウンジ区画 {len(r.refreshed)} 表を再作成")

    def _outcomes(self) -> str:
        from jichitai.hub.outcomes import land_outcomes

        done = land_outcomes()
        return "、".join(f"{t} {n:,} 行" for t, n in done.items())

    def _refresh(self) -> str:
        from jichitai.lounge import services

        marts = services.refresh_now()
        return f"{len(marts.tables)} 表 ({marts.engine}, {marts.seconds:.1f} 秒)"

    def _boundaries(self) -> str:
        """SYNTHETIC map boundaries for the synthetic city's 町字 (a real city imports its own: docs/lounge.md)."""
        from jichitai.lounge import boundaries, geo
        from jichitai.registry.models import Town

        places = [geo.TownPlace(t.code, t.ward_code, t.name, t.school_district) for t in Town.objects.all()]
        made = geo.synthetic(places)
        for level, features in made.items():
            boundaries.save(level, features, synthetic=True, source="demo_extras（住所辞書から合成）")
        return "、".join(f"{geo.LEVELS[lv]} {len(f):,}" for lv, f in made.items())

    def _ward_table(self, fiscal_year: int) -> Table:
        from jichitai.tax.assessment import services as assessment

        t = Table(title=f"{fiscal_year}年度 個人住民税 区別集計")
        for col in ("区", "賦課人数", "均等割課税", "所得割課税", "年税額（円）"):
            t.add_column(col, justify="left" if col == "区" else "right")
        for w in assessment.ward_summary(fiscal_year):
            t.add_row(w["ward_name"], f"{w['assessed']:,}", f"{w['liable']:,}", f"{w['income_levy_liable']:,}",
                      f"{w['total']:,}")
        return t
