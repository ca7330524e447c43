"""`jichitai dr …`: the operator's commands for the two regions (see docs/operations.md, 災害対策).

jichitai dr init [--mode sync|async]     build tokyo (primary) and osaka (standby) on this machine
jichitai dr status [--json]              role, health, LSN, lag of each region; lake snapshots
jichitai dr failover [--force]           promote the standby, fence the old primary, switch the target
jichitai dr failback                     rebuild the old primary as the new standby (pg_rewind)
jichitai dr mode sync|async              switch the replication mode on the running primary
jichitai dr backup [--type full|diff|incr]  pgBackRest backup of the primary into the other region, verified
jichitai dr backups                      every backup in both regions' repositories
jichitai dr restore --to TIME [--keep]   point-in-time restore (pgBackRest) into a new cluster, then check it
jichitai dr lake-sync                    replicate the primary region's lake to the standby region
jichitai dr drill [--short] [--mode …]   the disaster drill with measured RPO and RTO
jichitai dr down                         stop both clusters and delete the DR root
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from jichitai.dr import backup, drill, lake, regions, replication
from jichitai.dr.errors import DrError


class Command(BaseCommand):
    help = "災害対策: 東京・大阪の二地域構成、フェイルオーバー、バックアップ、訓練 (disaster recovery)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--root", help="DR root directory (default: JICHITAI_DR_ROOT or /var/tmp/jichitai-dr/…)")
        sub = parser.add_subparsers(dest="sub", required=True)
        p = sub.add_parser("init", help="build both regions on this machine and migrate the schema")
        p.add_argument("--mode", choices=regions.MODES, default="sync")
        p = sub.add_parser("status", help="health, role, LSN and lag of each region")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("failover", help="promote the standby, fence the old primary, switch the target")
        p.add_argument("--force", action="store_true", help="accept losing the async lag")
        sub.add_parser("failback", help="rebuild the old primary as the standby of the new one (pg_rewind)")
        p = sub.add_parser("mode", help="switch replication between sync and async")
        p.add_argument("mode", choices=regions.MODES)
        p = sub.add_parser("backup", help="pgBackRest backup of the primary into the other region, verified")
        p.add_argument("--type", choices=backup.KINDS, default="full",
                       help="full, diff (changes since the last full) or incr (since the last backup)")
        sub.add_parser("backups", help="every backup in both regions' repositories (pgbackrest info)")
        p = sub.add_parser("restore", help="point-in-time restore into a new cluster (never over a region)")
        p.add_argument("--to", help="ISO time, e.g. 2026-11-26T03:00:00+09:00 (default: end of the archive)")
        p.add_argument("--keep", action="store_true", help="leave the restored cluster running")
        sub.add_parser("lake-sync", help="replicate the primary region's lake to the other region")
        p = sub.add_parser("drill", help="kill the primary under load, fail over, check, fail back, restore")
        p.add_argument("--mode", choices=regions.MODES, default="sync")
        p.add_argument("--threads", type=int, default=4)
        p.add_argument("--warmup", type=float, default=20.0, help="seconds of load before the kill")
        p.add_argument("--after", type=float, default=15.0, help="seconds of load after the failover")
        p.add_argument("--short", action="store_true", help="6 s + 5 s of load (what make test runs)")
        p.add_argument("--no-failback", action="store_true")
        p.add_argument("--no-pitr", action="store_true")
        p.add_argument("--no-handover", action="store_true", help="skip the standard CSV from the surviving region")
        p.add_argument("--keep", action="store_true", help="leave the drill's clusters running")
        p.add_argument("--json", action="store_true", help="print the report as JSON")
        sub.add_parser("down", help="stop both clusters and delete the DR root")
        # used by the drill's child processes
        p = sub.add_parser("load", help="(drill) run counter threads against DATABASE_URL")
        p.add_argument("--journal", required=True)
        p.add_argument("--threads", type=int, default=4)
        p.add_argument("--seconds", type=float, default=10)
        p.add_argument("--run-id", required=True)
        p.add_argument("--stop-file")
        p.add_argument("--target")
        p.add_argument("--seed", type=int, default=1)
        p = sub.add_parser("verify", help="(drill) check the invariants on DATABASE_URL against a journal")
        p.add_argument("--journal", required=True)
        p.add_argument("--run-id", required=True)
        p.add_argument("--until", type=float)

    def handle(self, *args: Any, **options: Any) -> None:
        self.console = Console(file=cast(IO[str], self.stdout), soft_wrap=True)
        root = Path(options["root"]) if options.get("root") else regions.default_root(settings.CONFIG.var_dir)
        try:
            getattr(self, "do_" + options["sub"].replace("-", "_"))(root, options)
        except DrError as exc:
            raise CommandError(f"{exc.message} [{exc.code}]") from exc

    # --- regions -----------------------------------------------------------------------------------------

    def do_init(self, root: Path, options: dict[str, Any]) -> None:
        if (root / "topology.yaml").exists():
            raise DrError(f"{root} には既に構成があります (`jichitai dr down` で削除)", code="dr_exists")
        topology = regions.local(root, options["mode"])
        replication.build(topology, step=lambda m: self.console.print(f"  {m}"))
        primary = topology.regions[0]
        proc = drill.jichitai(["migrate", "--noinput"], url=primary.url(topology.database))
        if proc.returncode != 0:
            raise CommandError(proc.stderr[-2000:])
        self.console.print(
            f"[green]OK[/] tokyo :{primary.port} → osaka :{topology.regions[1].port} "
            f"({options['mode']}); connection target {topology.target_path}"
        )

    def do_status(self, root: Path, options: dict[str, Any]) -> None:
        from jichitai.dr import overview

        rep = overview.report(root)
        st, lake_state = rep.status, rep.lake
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {**dataclasses.asdict(st), "healthy": st.healthy, "lake": lake_state},
                    ensure_ascii=False,
                    default=str,
                )
            )
            return
        table = Table(title=f"DR status: mode {st.mode}, epoch {st.epoch}, primary {st.primary}")
        for col in (
            "region",
            "role",
            "port",
            "up",
            "LSN (current / replayed)",
            "lag bytes",
            "lag s",
            "sync",
            "lake snapshot",
            "problem",
        ):
            table.add_column(col)
        for r in st.regions:
            snaps = lake_state.get(r.name, {})
            table.add_row(
                f"{r.label} {r.name}",
                r.role,
                str(r.port),
                "yes" if r.reachable else "NO",
                r.lsn or "-",
                "-" if r.lag_bytes is None else str(r.lag_bytes),
                "-" if r.lag_seconds is None else f"{r.lag_seconds:.3f}",
                r.sync_state or "-",
                ", ".join(f"{k}@{v}" for k, v in snaps.items()) or "-",
                r.problem or "",
            )
        self.console.print(table)
        self.console.print(f"connection target: {st.target_url}")
        self.console.print("[green]healthy[/]" if st.healthy else "[red]NOT healthy[/]")

    def do_failover(self, root: Path, options: dict[str, Any]) -> None:
        topology = regions.load(root)
        result = replication.failover(topology, force=options["force"], step=lambda m: self.console.print(f"  {m}"))
        self.console.print(
            f"[green]failover done[/] in {result.seconds:.2f} s: {result.new_primary} is primary "
            f"(epoch {result.epoch}); {result.old_primary} fenced ({result.fence_method}); "
            f"target {result.target_path}"
        )

    def do_failback(self, root: Path, options: dict[str, Any]) -> None:
        topology = regions.load(root)
        result = replication.failback(topology, step=lambda m: self.console.print(f"  {m}"))
        self.console.print(
            f"[green]failback done[/] in {result.seconds:.2f} s: {result.rebuilt} is the standby "
            f"of {result.primary} ({result.method})"
        )

    def do_mode(self, root: Path, options: dict[str, Any]) -> None:
        topology = replication.set_mode(regions.load(root), options["mode"])
        self.console.print(f"replication mode is now {topology.mode}")

    def do_down(self, root: Path, options: dict[str, Any]) -> None:
        replication.teardown(regions.load(root), remove=True)
        self.console.print(f"stopped and removed {root}")

    # --- backups and lake --------------------------------------------------------------------------------

    def do_backup(self, root: Path, options: dict[str, Any]) -> None:
        topology = regions.load(root)
        with self.console.status(f"pgBackRest {options['type']} backup and verify"):
            info = backup.take(topology, options["type"])
        self.console.print(
            f"[green]{info.kind} backup[/] {info.label} into {topology.region(info.stored_in).label}'s repository: "
            f"database {info.bytes / 1e6:.1f} MB, stored {info.stored_bytes / 1e6:.1f} MB, "
            f"LSN {info.start_lsn}–{info.stop_lsn}, pgbackrest verify OK"
        )

    def do_backups(self, root: Path, options: dict[str, Any]) -> None:
        topology = regions.load(root)
        table = Table(title="backups (pgBackRest)")
        for column in ("label", "type", "repository", "finished (UTC)", "database", "stored"):
            table.add_column(column)
        for b in backup.catalogue(topology):
            table.add_row(b.label, b.kind, topology.region(b.stored_in).label, b.finished_at[:19],
                          f"{b.bytes / 1e6:.1f} MB", f"{b.stored_bytes / 1e6:.1f} MB")
        self.console.print(table)

    def do_restore(self, root: Path, options: dict[str, Any]) -> None:
        topology = regions.load(root)
        to = dt.datetime.fromisoformat(options["to"]) if options.get("to") else None
        if to is not None and to.tzinfo is None:
            raise DrError("--to にはタイムゾーンを付けてください (例 +09:00)", code="dr_naive_time")
        backup.flush_archive(topology)
        restored = backup.restore(topology, to)
        url = restored.url(topology.database)
        try:
            proc = drill.jichitai(["audit", "verify"], url=url)
            self.console.print(proc.stdout.strip() or proc.stderr.strip())
            counts = backup.pg.query(
                restored.region, "SELECT count(*) FROM registry_residenthistory", database=topology.database
            )
            self.console.print(
                f"restored {restored.backup.label} to {restored.target_time or 'end of archive'} in "
                f"{restored.seconds:.1f} s: {counts[0][0]} history rows; {url}"
            )
        finally:
            if not options["keep"]:
                backup.discard(restored)

    def do_lake_sync(self, root: Path, options: dict[str, Any]) -> None:
        topology = regions.load(root)
        state = regions.read_state(topology)
        source = topology.region(state.primary)
        report = lake.replicate(source, topology.other(source.name))
        for t in report.tables:
            self.console.print(
                f"  {t.identifier}: {t.snapshots} snapshots, {t.data_files_copied} files copied, "
                f"{t.data_files_present} already there"
            )
        self.console.print(
            f"[green]lake replicated[/] {report.source} → {report.target}; catalogue backup {report.catalog_backup}"
        )

    # --- drill -------------------------------------------------------------------------------------------

    def do_drill(self, root: Path, options: dict[str, Any]) -> None:
        short = options["short"]
        opts = drill.DrillOptions(
            mode=options["mode"],
            threads=options["threads"],
            warmup=6.0 if short else options["warmup"],
            after=5.0 if short else options["after"],
            failback=not options["no_failback"],
            pitr=not options["no_pitr"],
            handover=not options["no_handover"],
            keep=options["keep"],
        )
        with self.console.status("drill") as status:

            def progress(phase: str, detail: str) -> None:
                status.update(f"[bold]{phase}[/] {detail}")
                self.console.log(f"{phase}: {detail}")

            report = drill.run(opts, progress)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
        else:
            self.console.print(render(report))
        if not report.ok:
            raise CommandError(f"drill failed: {report.error or 'an invariant does not hold (see the report)'}")

    def do_load(self, root: Path, options: dict[str, Any]) -> None:
        from jichitai.dr import load

        summary = load.run(
            Path(options["journal"]),
            threads=options["threads"],
            seconds=options["seconds"],
            run_id=options["run_id"],
            target=Path(options["target"]) if options["target"] else None,
            stop_file=Path(options["stop_file"]) if options["stop_file"] else None,
            seed=options["seed"],
        )
        self.stdout.write(json.dumps({**dataclasses.asdict(summary), "per_second": summary.per_second}))

    def do_verify(self, root: Path, options: dict[str, Any]) -> None:
        from jichitai.dr import checks

        report = checks.verify(Path(options["journal"]), run_id=options["run_id"], until=options["until"])
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))


def render(report: drill.DrillReport) -> Table:
    table = Table(
        title=f"DR drill {report.run_id} ({report.mode}, {report.threads} threads): "
        + ("PASSED" if report.ok else "FAILED")
    )
    table.add_column("measure")
    table.add_column("value")
    fc = report.failover_check
    rows = [
        ("RPO: acknowledged 異動 lost", str(report.rpo_writes)),
        ("RTO: kill → first 異動 acknowledged by osaka", f"{report.rto_s} s" if report.rto_s is not None else "-"),
        ("  detection / failover command", f"{report.detected_s} s / {report.failover_s} s"),
        ("異動 acknowledged / in doubt / refused", f"{report.acknowledged} / {report.indoubt} / {report.refused}"),
        ("  in doubt that committed", str(fc.get("indoubt_committed", "-"))),
        ("throughput before the kill", f"{report.throughput_before} 異動/s"),
        ("standby lag during load (max / last)", f"{report.lag_bytes_max} / {report.lag_bytes_last} bytes"),
        ("duplicated / partial", f"{fc.get('duplicated_count', '-')} / {fc.get('partial_count', '-')}"),
        (
            "履歴番号 gaps / current mismatches",
            f"{fc.get('history_gaps_count', '-')} / {fc.get('current_mismatch_count', '-')}",
        ),
        (
            "outbox missing / undelivered",
            f"{fc.get('outbox_missing', '-')} / {fc.get('undelivered', '-')} ({fc.get('relay', '')})",
        ),
        ("audit chain", f"{'OK' if fc.get('audit_ok') else 'BROKEN'} ({fc.get('audit_entries', '-')} entries)"),
        ("lake: osaka reads tokyo's snapshots", str(report.lake.get("same", "-"))),
        (
            "failback",
            f"{report.failback.get('method', '-')} {report.failback.get('seconds', '')} s, "
            f"rows equal: {report.failback.get('ok', '-')}",
        ),
        (
            "standard CSV from the surviving region (72 h)",
            f"{report.handover.get('rows', '-')} rows of {report.handover.get('residents', '-')} residents in "
            f"{report.handover.get('seconds', '-')} s",
        ),
        (
            "PITR of last night's backup",
            f"{'OK' if report.pitr.get('ok') else report.pitr.get('ok', '-')}: "
            f"{report.pitr.get('acknowledged_before_target', '-')} acknowledged 異動 "
            f"before the target all present, restore {report.pitr.get('restore_s', '-')} s",
        ),
    ]
    if report.error:
        rows.append(("error", report.error))
    for k, v in rows:
        table.add_row(k, v)
    return table
