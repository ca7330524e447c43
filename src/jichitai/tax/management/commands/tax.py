"""``jichitai tax calc CASE.json``, ``jichitai tax assess --fiscal-year 2026 [--engine spark]``,
``jichitai tax summary --fiscal-year 2026``, ``jichitai tax notice --fiscal-year 2026 --atena N --out F.pdf`` and
``jichitai tax collection --fiscal-year 2026 [--on 2026-05-15] [--out DIR]`` and ``jichitai tax payments import FILE``
(コンビニ収納 速報/確報)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jichitai.tax import services
from jichitai.tax.errors import TaxError


class Command(BaseCommand):
    help = "個人住民税: calc (1件の税額計算), assess (賦課), summary (区別集計), notice (税額決定通知書), collection (徴収計画), payments (収納)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        calc = sub.add_parser("calc", help="compute one case (tax-case-format JSON; '-' reads stdin)")
        calc.add_argument("case", help="path of the case JSON, or - for standard input")
        calc.add_argument("--compact", action="store_true", help="one line of JSON")
        assess = sub.add_parser("assess", help="assess everyone registered on 1月1日 (idempotent; 更正 = new version)")
        assess.add_argument("--fiscal-year", type=int, required=True)
        assess.add_argument("--engine", choices=("numpy", "spark"), default="numpy")
        assess.add_argument("--workers", type=int, default=0,
                            help="processes assessing chunks side by side (0: two on PostgreSQL, one on SQLite)")
        summary = sub.add_parser("summary", help="区別集計 of the current assessment versions")
        summary.add_argument("--fiscal-year", type=int, required=True)
        notice = sub.add_parser("notice", help="税額決定通知書 (PDF) of a person's current version")
        notice.add_argument("--fiscal-year", type=int, required=True)
        notice.add_argument("--atena", required=True, help="宛名番号")
        notice.add_argument("--out", required=True, help="PDF file to write")
        coll = sub.add_parser("collection", help="徴収計画 (給与特徴・普通徴収) of the current versions and the "
                                                 "特別徴収義務者 files")
        coll.add_argument("--fiscal-year", type=int, required=True)
        coll.add_argument("--on", help="通知日 YYYY-MM-DD (default today): 期 and months before it do not change")
        coll.add_argument("--out", help="directory for the 特別徴収税額通知 data files (one CSV per employer)")
        coll.add_argument("--pdf", action="store_true", help="also the notices as PDF under --out "
                             "(employers/<法人番号>.pdf and <法人番号>_納税義務者用.pdf, nouzei/ in files of 100)")
        coll.add_argument("--workers", type=int, default=2,
                          help="processes typesetting the PDFs side by side (default 2, for 2 cores; 1: in this "
                               "process; each ≈ 0.3 GB)")

        payments = sub.add_parser("payments", help="収納 (普通徴収の納付)")
        what = payments.add_subparsers(dest="payments_action", required=True)
        imp = what.add_parser("import", help="コンビニ収納の速報・確報ファイル (CSV, docs/tax-year.md) を取り込む "
                                             "(同じ記録番号は一度だけ; 消し込めない行は FILE.unmatched.csv へ)")
        imp.add_argument("file", help="収納データファイル")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['sub']}")(options)

    def _calc(self, options: dict[str, Any]) -> None:
        path = options["case"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"ケースファイルを読めません: {exc}") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CommandError(f"JSON として読めません: {exc}") from None
        try:
            result = services.calculate_case(data)
        except TaxError as exc:
            field = exc.fields.get("field", "")
            raise CommandError(f"{exc.message}" + (f" (項目: {field})" if field else "")) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=None if options["compact"] else 1))

    def _assess(self, options: dict[str, Any]) -> None:
        from jichitai.tax.assessment import services as assessment

        try:
            report = assessment.run(options["fiscal_year"], engine=options["engine"], workers=options["workers"])
        except TaxError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"{report.fiscal_year}年度 賦課 run {report.run_id} ({report.engine}): 対象 {report.considered:,} 人, "
            f"新規 {report.created:,}, 更正 {report.corrected:,}, 変更なし {report.unchanged:,}, "
            f"計算不能 {len(report.refused):,}"
        )
        labels = {"gather": "読込", "cases": "入力検査", "columns": "列化", "compute": "税額計算", "store": "説明・保存"}
        self.stdout.write("所要時間: " + ", ".join(f"{labels.get(k, k)} {v:.1f} 秒" for k, v in report.timings.items()))
        for atena, field, message in report.refused[:20]:
            self.stderr.write(f"  {atena}: {message} ({field})")
        self._summary(options)

    def _summary(self, options: dict[str, Any]) -> None:
        from jichitai.tax.assessment import services as assessment

        self.stdout.write("区 | 賦課人数 | 均等割課税 | 所得割課税 | 市民税所得割 | 県民税所得割 | 均等割 | 森林環境税 | 年税額")
        for w in assessment.ward_summary(options["fiscal_year"]):
            self.stdout.write(
                f"{w['ward_name']} | {w['assessed']:,} | {w['liable']:,} | {w['income_levy_liable']:,} | "
                f"{w['city_income_levy']:,} | {w['pref_income_levy']:,} | {w['per_capita']:,} | "
                f"{w['forest_env_tax']:,} | {w['total']:,}"
            )

    def _collection(self, options: dict[str, Any]) -> None:
        import datetime as dt

        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from jichitai.tax.collection import employer_files
        from jichitai.tax.collection import services as collection

        if options["pdf"] and not options["out"]:
            raise CommandError("--pdf には --out（出力先のフォルダ）が必要です。")
        try:
            notice_on = dt.date.fromisoformat(options["on"]) if options["on"] else dt.date.today()
        except ValueError:
            raise CommandError(f"--on の日付 {options['on']!r} を読めません (YYYY-MM-DD)。") from None
        year = options["fiscal_year"]
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        try:
            with Progress(*columns, transient=False) as bar:
                task = bar.add_task("徴収計画", total=collection.count_current(year))
                report = collection.build(year, notice_on=notice_on, progress=lambda n: bar.advance(task, n))
                written = []
                if options["out"]:
                    files = bar.add_task("特別徴収税額通知データ", total=employer_files.count_employers(year))
                    written = employer_files.write_all(year, Path(options["out"]),
                                                       progress=lambda n: bar.advance(files, n))
                    payers = bar.add_task("年金特別徴収税額通知データ",
                                          total=employer_files.count_employers(year, employer_files.PENSION))
                    employer_files.write_all(year, Path(options["out"]), kind=employer_files.PENSION,
                                             progress=lambda n: bar.advance(payers, n))
                if options["out"] and options["pdf"]:
                    from jichitai.tax.collection import issuance, notices

                    tasks = {"employers": bar.add_task("特別徴収税額決定通知書", total=len(written)),
                             "nouzei": bar.add_task("納税通知書", total=notices.count_ordinary(year))}
                    pdfs = issuance.write_pdfs(year, Path(options["out"]), on=notice_on,
                                              progress=lambda kind, n: bar.advance(tasks[kind], n),
                                              workers=options["workers"])
        except TaxError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{year}年度 徴収計画 run {report.run_id} (通知日 {notice_on}): 対象 {report.considered:,} 人, "
                          f"新規 {report.created:,}, 税額変更 {report.revised:,}, 変更なし {report.unchanged:,}, "
                          f"作成できず {len(report.refused):,}")
        for atena, message in report.refused[:20]:
            self.stderr.write(f"  {atena}: {message}")
        if options["out"]:
            self.stdout.write(f"特別徴収義務者 {len(written):,} 件のデータを {options['out']} に書きました")
        if options["out"] and options["pdf"]:
            self.stdout.write(f"PDF: 特別徴収税額決定通知書 {pdfs[0]:,} 件, 納税通知書 {pdfs[1]:,} 件")

    def _payments(self, options: dict[str, Any]) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from jichitai.common.money import format_yen
        from jichitai.tax.collection import receipts

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"収納データファイルがありません: {path}")
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        try:
            with Progress(*columns, transient=False) as bar:
                task = bar.add_task("収納データ", total=receipts.count_rows(path))
                r = receipts.import_file(path, progress=lambda n: bar.advance(task, n))
        except TaxError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{path.name}: {r.rows:,} 件を読みました (処理番号 {r.run_id})")
        self.stdout.write(f"  消込済み（新たに記録）: {r.recorded:,} 件 {format_yen(r.recorded_amount)}")
        self.stdout.write(f"  記録済みのため読み飛ばし: {r.already:,} 件")
        if r.reversed:
            self.stdout.write(f"  取消（逆の記録）: {r.reversed:,} 件 {format_yen(r.reversed_amount)}")
        self.stdout.write(f"  消し込めない行: {len(r.unmatched):,} 件 {format_yen(r.unmatched_amount)}")
        for u in r.unmatched[:50]:
            self.stdout.write(f"    {u['行']}行目（記録番号 {u['記録番号'] or 'なし'}）: {u['理由']}")
        if len(r.unmatched) > 50:
            self.stdout.write(f"    ほか {len(r.unmatched) - 50:,} 件")
        if r.unmatched_file:
            self.stdout.write(f"  消し込めない行の一覧: {r.unmatched_file}")

    def _notice(self, options: dict[str, Any]) -> None:
        from jichitai.tax.models import Assessment
        from jichitai.tax.notices import render_pdf

        a = (Assessment.objects.filter(fiscal_year=options["fiscal_year"], atena_number=options["atena"])
             .order_by("-version").first())
        if a is None:
            raise CommandError(f"{options['atena']} の {options['fiscal_year']}年度の税額決定はありません。")
        Path(options["out"]).write_bytes(render_pdf(a))
        self.stdout.write(f"{options['out']}: 第{a.version}版 年税額 {a.total:,}円")
