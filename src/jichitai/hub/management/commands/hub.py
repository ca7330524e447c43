"""``jichitai hub run | replay TABLE | seed [--demo] | verify-log | land-csv FILE | seal-files | purge-tokens |
client-secret SYSTEM | place-extracts [--full] [--system CODE …]``."""

from __future__ import annotations

import signal
import time
import traceback
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a long-running worker; `jichitai check` covers the project
    help = "データ連携基盤: relay, delivery and landing (run), rebuild a lake table (replay), catalogue (seed)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="relay, push and land continuously")
        run.add_argument("--once", action="store_true", help="one cycle, then stop")
        run.add_argument("--interval", type=float, default=5.0, help="seconds between idle cycles")
        run.add_argument("--batch", type=int, default=2000, help="events per landing batch")
        run.add_argument("--no-refresh", action="store_true", help="skip the lounge refresh")
        replay = sub.add_parser("replay", help="rebuild a lake table from the hub's log and store")
        replay.add_argument("table", help="e.g. standard.resident_history, lounge.movements")
        seed = sub.add_parser("seed", help="install the catalogue (20 systems, feeds, items)")
        seed.add_argument("--demo", action="store_true", help="also grant feeds and issue keys for the demo")
        sub.add_parser("verify-log", help="check the message log's chain and signatures")
        csv = sub.add_parser("land-csv", help="land a 宛名 standard CSV (全件) into standard.resident_extract")
        csv.add_argument("path")
        csv.add_argument("--encoding", default="cp932")
        sub.add_parser("seal-files", help="encrypt received files stored before sealing (inbox, quarantine)")
        sub.add_parser("purge-tokens", help="delete expired and revoked OAuth access tokens (timer: hourly)")
        place = sub.add_parser("place-extracts", help="place the 宛名 extract (差分, or 全件 with --full) in each "
                               "granted system's folder out/{system}/atena-extract/ of the file store")
        place.add_argument("--full", action="store_true", help="全件 instead of the 差分 after each system's cursor")
        place.add_argument("--system", action="append", help="only this system (repeatable)")
        secret = sub.add_parser("client-secret", help="issue a new OAuth client secret for a system (shown once)")
        secret.add_argument("system", help="the system's code (its OAuth client_id)")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["action"].replace("-", "_"))(opts)

    def _purge_tokens(self, opts: dict[str, Any]) -> None:
        from jichitai.hub.oauth import purge_tokens

        deleted = purge_tokens()
        self.stdout.write(f"期限切れ・失効済みのアクセストークン {deleted['tokens']:,}件、使用済みアサーション "
                          f"{deleted['assertions']:,}件を削除しました。")

    def _place_extracts(self, opts: dict[str, Any]) -> None:
        import datetime as dt

        from jichitai.hub.extracts import place_due

        report = place_due(every=dt.timedelta(0), mode="full" if opts["full"] else "delta", systems=opts["system"])
        busy = f"、ほかの処理が配置中のため見送り {report.busy}件" if report.busy else ""
        self.stdout.write(f"宛名連携ファイルを{report.placed}件配置しました（失敗 {report.failed}件{busy}）。")
        if report.failed:
            raise CommandError(f"{report.failed}件のシステムの宛名連携ファイルを保存先に書き込めませんでした"
                               "（理由は「データ連携基盤」の画面 /hub/ に表示されます）。")

    def _run(self, opts: dict[str, Any]) -> None:
        from django.db import close_old_connections, connections

        from jichitai.hub.heartbeat import Worker
        from jichitai.hub.landing import run_cycle

        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker = Worker(opts["interval"])
        worker.start()
        try:
            while not stopping:
                busy = False
                try:
                    report = run_cycle(opts["batch"], refresh=not opts["no_refresh"], beat=worker.phase)
                    worker.idle(report.as_dict())
                    busy = report.busy
                    self.stdout.write(" ".join(f"{k}={v}" for k, v in report.as_dict().items()))
                except Exception:  # recorded for the hub page; the next cycle tries again
                    if opts["once"]:
                        raise
                    error = traceback.format_exc()
                    self.stderr.write(error)
                    connections.close_all()  # a broken connection is opened anew
                    close_old_connections()
                    worker.failed(error)
                if opts["once"]:
                    break
                if not busy:
                    time.sleep(opts["interval"])
        finally:
            worker.stop()

    def _replay(self, opts: dict[str, Any]) -> None:
        from jichitai.hub.landing import replay

        try:
            n = replay(opts["table"])
        except KeyError:
            raise CommandError(f"unknown lake table {opts['table']!r}") from None
        self.stdout.write(f"{opts['table']}: {n} rows landed again")

    def _client_secret(self, opts: dict[str, Any]) -> None:
        from jichitai.audit import services as audit
        from jichitai.hub import oauth
        from jichitai.hub.models import System

        system = System.objects.filter(code=opts["system"]).first()
        if system is None:
            raise CommandError(f"連携システム {opts['system']!r} はありません")
        secret = oauth.issue_client_secret(system)
        system.save(update_fields=["oauth_secret_sealed", "oauth_secret_set_at"])
        audit.record("system:cli", "admin.change", f"hub.System:{system.pk}", fields=["oauth_client_secret"])
        self.stdout.write(f"client_id {system.code}\nclient_secret {secret}\n(shown once; the hub keeps it sealed)")

    def _seed(self, opts: dict[str, Any]) -> None:
        from jichitai.hub import oauth
        from jichitai.hub.catalogue import grant, install_defaults
        from jichitai.hub.models import System

        install_defaults()
        if opts["demo"]:
            demo = {"kojin_juminzei": (True, ["atena-delta", "atena-full", "atena-extract", "salary-report",
                                              "pension-report", "final-return", "salary-earner-change",
                                              "donation-notice", "pension-withholding-target", "jutogai",
                                              "togo"]),
                    "kokuho": (True, ["atena-delta", "kokuho-shikaku", "kokuho-zei", "jutogai", "togo"]),
                    "shogaisha": (True, ["atena-delta", "shogai-techo"]),
                    "jido_teate": (True, ["atena-delta", "jido-teate"]),
                    "kaigo": (True, ["atena-delta", "kaigo-nintei"]),
                    "senkyo": (False, ["atena-delta", "atena-full"])}
            for code, (my_number, feeds) in demo.items():
                system = System.objects.get(code=code)
                system.may_use_my_number = my_number
                key = system.issue_api_key()
                secret = oauth.issue_client_secret(system)
                system.save()
                for feed in feeds:
                    grant(system, feed, None, purpose="デモ")
                self.stdout.write(f"{code}: {key}  (OAuth: client_id {code}, client_secret {secret})")
        self.stdout.write("catalogue installed")

    def _verify_log(self, opts: dict[str, Any]) -> None:
        from jichitai.hub import messagelog

        report = messagelog.verify()
        for p in report.problems:
            self.stdout.write(p)
        if not report.ok:
            raise CommandError(f"message log: {len(report.problems)} problems in {report.entries} records")
        self.stdout.write(f"message log OK: {report.entries} records")

    def _seal_files(self, opts: dict[str, Any]) -> None:
        from jichitai.hub.files import seal_stored
        from jichitai.hub.models import ExchangedFile

        sealed = sum(seal_stored(f) for f in ExchangedFile.objects.filter(direction="in").iterator())
        self.stdout.write(f"{sealed} files sealed")

    def _land_csv(self, opts: dict[str, Any]) -> None:
        from jichitai.hub.bulk import land_resident_csv

        result = land_resident_csv(opts["path"], opts["encoding"])
        self.stdout.write(f"{result.rows} rows landed in {result.seconds:.1f} s ({result.problems} problems)")
