"""The analysts' SQL, parsed (sqlglot) and checked against the subset the platform can protect, then rewritten
into the query the platform runs. Pure: sqlglot and the lake's schemas, no Django, no engine.

The subset (anything else is refused with a Japanese reason that names no data value):

- one ``SELECT`` from one lounge table (``lounge.<table>``, an alias allowed); no join, subquery, CTE, set
  operation, window, ``FILTER``, ``DISTINCT`` select, ``HAVING``, ``QUALIFY``, sampling or ``ROLLUP``/``CUBE``;
- ``WHERE`` and ``GROUP BY`` over the table's columns with plain scalar expressions (comparisons, arithmetic,
  ``CASE``, ``CAST``, date parts, text functions from :data:`SCALAR_NODES`);
- each output column is either a grouping expression or one statistic: ``count(*)``, ``count(col)``,
  ``count(DISTINCT col)``, ``sum(col)``, ``avg(col)`` of a bare column. Nothing may be computed *on* a statistic
  (no cast, arithmetic or constant as a count): the platform computes and protects each statistic itself;
- pseudonymous ids (``pid``, ``household_pid`` …) only inside ``count(DISTINCT …)``;
- ``min``/``max``/``median``/quantiles/``string_agg``/``list``… are refused: each returns one person's value;
- ``ORDER BY`` output columns and ``LIMIT``/``OFFSET`` are applied by the platform to the protected rows.

The rewrite (:meth:`Plan.sql`) aggregates per group *and person* first, then per group: the platform's own
distinct-person count, each statistic's contributors, the two largest contributions of a magnitude and the
cell keys (:mod:`jichitai.lounge.cellkey`). Whatever the query calls its columns, none of them is trusted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from pyiceberg.types import DateType, IntegerType, LongType, TimestampType
from sqlglot import exp

from jichitai.lake.schemas import LOUNGE_NAMESPACE, LOUNGE_TABLES, REFERENCE_TABLES
from jichitai.lounge import setdiff
from jichitai.lounge.errors import QueryRefused

PERSON = "pid"  # the column every lounge table identifies its person by (pseudonymised)
PERSON_KEY = "__person"  # the integer person id the platform adds to a table before a query (sql.prepare)
ID_COLUMNS = frozenset({"pid", "household_pid", "child_pid", "declaration_pid", "event_id"})
MAX_LIMIT = 5000

# scalar expression nodes allowed in WHERE, GROUP BY and grouping outputs
SCALAR_NODES: tuple[type[exp.Expression], ...] = (
    exp.Column, exp.Identifier, exp.Literal, exp.Boolean, exp.Null, exp.Paren, exp.Tuple, exp.Alias,
    exp.And, exp.Or, exp.Not, exp.Xor,
    exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Is, exp.In, exp.Between, exp.Like, exp.ILike,
    exp.Add, exp.Sub, exp.Mul, exp.Div, exp.IntDiv, exp.Mod, exp.Neg,
    exp.Case, exp.If, exp.Coalesce, exp.Cast, exp.TryCast, exp.DataType, exp.Var,
    exp.Year, exp.Month, exp.Day, exp.Extract, exp.DateTrunc, exp.TimestampTrunc, exp.DateDiff,
    exp.CurrentDate, exp.Interval, exp.DateAdd, exp.DateSub,
    exp.Substring, exp.Left, exp.Right, exp.Lower, exp.Upper, exp.Length, exp.Concat, exp.DPipe, exp.Trim,
    exp.Abs, exp.Floor, exp.Ceil, exp.Round, exp.Least, exp.Greatest,
)
# magnitudes a condition or a group may compare only with multiples of a coarse unit: a condition at 1 yen
# would let an analyst bisect until a count changes, which happens exactly at one person's value
COARSE_UNITS: dict[str, int] = {"total_income": 1_000_000, "taxable_income": 1_000_000, "taxable_separate": 1_000_000,
                                "income_levy": 100_000,
                                "per_capita": 1_000, "monthly_amount": 5_000, "clerk_minutes": 10}
COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between, exp.In)
REFUSED_AGGREGATES = "min, max, median, quantile, mode, first, last, any_value, arg_max, string_agg, list など"


@dataclass(frozen=True)
class Stat:
    """One statistic of the output: ``func`` is count, sum or avg; ``column`` None for ``count(*)``."""

    func: str
    column: str | None
    distinct: bool = False

    @property
    def kind(self) -> str:
        """What the noise is keyed by with the cell key: the same quantity, the same noise however asked."""
        if self.func == "count" and self.distinct:
            return "persons" if self.column == PERSON else f"distinct:{self.column}"
        if self.func == "count":
            return "rows"
        return f"sum:{self.column}"

    @property
    def magnitude(self) -> bool:
        return self.func in ("sum", "avg")


@dataclass(frozen=True)
class Output:
    name: str
    group: int | None = None  # index into Plan.groups
    stat: Stat | None = None


@dataclass
class Plan:
    table: str
    alias: str | None
    groups: list[exp.Expression]
    where: exp.Expression | None
    outputs: list[Output]
    order: list[tuple[int, bool]] = field(default_factory=list)  # (output index, descending)
    limit: int | None = None
    offset: int = 0

    @property
    def stats(self) -> list[Stat]:
        return [o.stat for o in self.outputs if o.stat is not None]

    def sql(self) -> str:
        """The query the platform runs (DuckDB dialect): one row per group with ``__persons``, ``__key``, ``__m``
        and per statistic ``__v{j}`` (value), ``__c{j}`` (contributors), ``__k{j}`` (their record keys' sum),
        ``__m{j}`` (their moments, :mod:`jichitai.lounge.setdiff`) and,
        for a magnitude, ``__n{j}`` (rows counted), ``__t{j}`` (two largest |per-person sums|), ``__a{j}``
        (sum of |per-person sums|)."""
        source = exp.Table(this=exp.to_identifier(self.table))
        if self.alias:
            source = exp.alias_(source, self.alias, table=True)  # type: ignore[assignment]
        inner = [g.copy().as_(f"__g{i}") for i, g in enumerate(self.groups)]
        inner.append(exp.column(PERSON_KEY, table=self.alias).as_("__p"))
        stats = self.stats
        for j, s in enumerate(stats):
            if s.column is not None and s.kind != "persons":
                inner.append(exp.column(s.column, table=self.alias).as_(f"__x{j}"))
        rows = exp.select(*inner).from_(source)
        if self.where is not None:
            rows = rows.where(self.where.copy())
        keys = [f"__g{i}" for i in range(len(self.groups))]
        per = [*keys, "__p", "__p >> 12 AS __rk", *setdiff.moments_sql("__rk"), "count(*) AS __rows"]
        outer = [*keys, "count(*) AS __persons", "sum(__rk) AS __key", f"{_moments('')} AS __m"]
        for j, s in enumerate(stats):
            if s.column is None or s.kind == "persons":  # count(*), or count(DISTINCT pid): persons counted
                value = "sum(__rows)" if s.column is None else "count(*)"
                outer += [f"{value} AS __v{j}", f"count(*) AS __c{j}", f"sum(__rk) AS __k{j}",
                          f"{_moments('')} AS __m{j}"]
                continue
            per.append(f"count(__x{j}) AS __n{j}")
            has = f"FILTER (WHERE __n{j} > 0)"
            outer += [f"count(*) {has} AS __c{j}", f"sum(__rk) {has} AS __k{j}", f"{_moments(has)} AS __m{j}"]
            if s.distinct:
                per.append(f"list(DISTINCT __x{j}) FILTER (WHERE __x{j} IS NOT NULL) AS __l{j}")
                outer.append(f"len(list_distinct(flatten(list(__l{j}) {has}))) AS __v{j}")
            elif s.func == "count":
                outer.append(f"sum(__n{j}) AS __v{j}")
            else:
                per.append(f"sum(__x{j}) AS __s{j}")
                outer += [f"sum(__s{j}) AS __v{j}", f"sum(__n{j}) AS __n{j}",
                          f"max(abs(__s{j}), 2) {has} AS __t{j}", f"sum(abs(__s{j})) AS __a{j}"]
        by = ", ".join([*keys, "__p"])
        group_outer = f" GROUP BY {', '.join(keys)}" if keys else ""
        # every piece below is generated from the parsed, checked tree (no text of the query is pasted)
        return (f"WITH __rows AS ({rows.sql(dialect='duckdb')}), "  # noqa: S608
                f"__per AS (SELECT {', '.join(per)} FROM __rows GROUP BY {by}) "
                f"SELECT {', '.join(outer)} FROM __per{group_outer}")


def _moments(condition: str) -> str:
    """The moments of a cell's people (:func:`jichitai.lounge.setdiff.moments`) from their powers ``__h1 …``."""
    sums = ", ".join(f"sum(__h{i}) {condition} % {setdiff.Q}" for i in range(1, setdiff.MOMENTS + 1))
    return f"list_value({sums})"


def parse(query: str) -> Plan:
    """The plan of ``query``, or :class:`QueryRefused` saying (in Japanese) what is not allowed."""
    try:
        statements = [s for s in sqlglot.parse(query, read="duckdb") if s is not None]
    except sqlglot.errors.SqlglotError as e:
        where = ""
        errors = getattr(e, "errors", None) or []
        if errors and errors[0].get("line"):
            where = f"（{errors[0]['line']}行目 {errors[0].get('col', '')}文字目付近）"
        raise QueryRefused(f"SQLを解釈できません{where}。") from None
    if len(statements) != 1:
        raise QueryRefused("SQLは1文（SELECT）だけにしてください。")
    tree = statements[0]
    if not isinstance(tree, exp.Select):
        if isinstance(tree, exp.SetOperation):
            raise QueryRefused("UNION・EXCEPT・INTERSECT は使えません（照会の差から個人が分かるため）。")
        raise QueryRefused("読み取り（SELECT）以外のSQLは実行できません。")
    _refuse_structure(tree)
    table, alias = _source(tree)
    columns = set(LOUNGE_TABLES[table].column_names)
    names = {n for n in (table, alias) if n}
    condition = tree.args.get("where")
    if condition is not None:
        _check_scalar(condition.this, columns, names, "WHERE", table)
    groups = _groups(tree, columns, names, table)
    outputs = _outputs(tree, groups, columns, names, table)
    plan = Plan(table, alias, groups, condition.this if condition is not None else None, outputs)
    plan.order = _order(tree, plan)
    plan.limit, plan.offset = _limit(tree)
    return plan


def _refuse_structure(tree: exp.Select) -> None:
    if tree.args.get("with_") or tree.args.get("with"):
        raise QueryRefused("WITH（共通テーブル式）は使えません。1つのテーブルを直接集計してください。")
    if tree.args.get("joins"):
        raise QueryRefused("結合（JOIN）は使えません。1つのテーブルを集計してください（結合した集計は指標として用意します）。")
    if tree.args.get("distinct"):
        raise QueryRefused("SELECT DISTINCT は使えません。GROUP BY で集計してください。")
    if tree.args.get("having"):
        raise QueryRefused("HAVING は使えません（集計値の条件は秘匿前の値を明かすため）。")
    if tree.args.get("qualify"):
        raise QueryRefused("QUALIFY は使えません。")
    for node in tree.walk():
        if isinstance(node, exp.Subquery | exp.SetOperation) or (isinstance(node, exp.Select) and node is not tree):
            raise QueryRefused("副問合せは使えません。1つのテーブルを直接集計してください。")
        if isinstance(node, exp.Window):
            raise QueryRefused("ウィンドウ関数（OVER）は使えません。")
        if isinstance(node, exp.Filter):
            raise QueryRefused("集計関数の FILTER は使えません。条件は WHERE に書いてください。")
        if isinstance(node, exp.TableSample):
            raise QueryRefused("標本抽出（SAMPLE）は使えません。")
        if isinstance(node, exp.Rollup | exp.Cube | exp.GroupingSets):
            raise QueryRefused("ROLLUP・CUBE・GROUPING SETS は使えません。合計は別の照会で求めてください（合計にも同じ保護がかかります）。")
        if isinstance(node, exp.Star) and not isinstance(node.parent, exp.Count):
            raise QueryRefused("SELECT * は使えません。集計する列を指定してください。")
        if isinstance(node, exp.Placeholder | exp.Parameter):
            raise QueryRefused("パラメータ（$1、? など）は使えません。")


def _source(tree: exp.Select) -> tuple[str, str | None]:
    from_ = tree.args.get("from_") or tree.args.get("from")
    if from_ is None:
        raise QueryRefused("FROM で lounge のテーブルを1つ指定してください。")
    table = from_.this
    if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier):
        raise QueryRefused("テーブル関数（ファイルの読み込みなど）は使えません。lounge のテーブルを指定してください。")
    if table.args.get("catalog") or (table.db and table.db != LOUNGE_NAMESPACE):
        raise QueryRefused("lounge 以外のテーブルは照会できません。")
    if table.name not in LOUNGE_TABLES:
        raise QueryRefused(f"テーブル「{table.name}」はありません（lounge.* のみ照会できます）。")
    if table.name in REFERENCE_TABLES:
        raise QueryRefused(f"「lounge.{table.name}」は町字の名称の参照表で、人の集計には使えません"
                           "（町字の名称は指標のページに表示されます）。")
    return table.name, table.alias or None


def _check_column(col: exp.Column, columns: set[str], names: set[str], where: str) -> None:
    if col.table and col.table not in names:
        raise QueryRefused(f"{where} の列「{col.sql()}」の表名が FROM と違います。")
    if col.name not in columns:
        raise QueryRefused(f"{where} の列「{col.name}」はこのテーブルにありません。")
    if col.name in ID_COLUMNS:
        raise QueryRefused(f"仮名ID（{col.name}）は count(DISTINCT {col.name}) の中でだけ使えます。")


def _check_scalar(node: exp.Expression, columns: set[str], names: set[str], where: str, table: str) -> None:
    for sub in node.walk():
        if isinstance(sub, exp.AggFunc):
            raise QueryRefused(f"{where} に集計関数は書けません。")
        if not isinstance(sub, SCALAR_NODES):
            name = sub.sql_name() if isinstance(sub, exp.Func) else type(sub).__name__
            raise QueryRefused(f"{where} で使えない式です（{name}）。比較・四則演算・CASE・CAST・日付と文字の基本関数が使えます。")
        if isinstance(sub, exp.Column):
            _check_column(sub, columns, names, where)
            if sub.name in COARSE_UNITS:
                _check_coarse(sub, where)
            elif isinstance(LOUNGE_TABLES[table].find_field(sub.name).field_type, DateType | TimestampType):
                _check_date(sub, where, whole=sub is node and where == "GROUP BY")


def _context(col: exp.Column) -> tuple[Any, list[Any]]:
    """The operator a column is an operand of (through parentheses) and its other operands."""
    parent = col.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    if parent is None:
        return None, []
    if isinstance(parent, exp.In):
        return parent, list(parent.expressions)
    return parent, [n for n in parent.iter_expressions() if n is not col
                    and not (isinstance(n, exp.Paren) and n.this is col)]


def _check_coarse(col: exp.Column, where: str) -> None:
    """A magnitude column appears only as ``col <op> literal`` with the literal a multiple of its unit."""
    unit = COARSE_UNITS[col.name]
    parent, others = _context(col)
    ok = isinstance(parent, COMPARISONS) and bool(others) and all(
        isinstance(o, exp.Literal) and not o.is_string and o.name.lstrip("-").isdigit() and int(o.name) % unit == 0
        for o in others)
    if not (ok or isinstance(parent, exp.Is)):
        raise QueryRefused(f"{where} で「{col.name}」は {unit:,} の倍数との比較（>=, <, BETWEEN など）にだけ使えます"
                           "（細かい境界で1人の値が分かるため）。")


def _month_start(node: exp.Expression) -> bool:
    if isinstance(node, exp.Cast | exp.TryCast):
        node = node.this
    if not (isinstance(node, exp.Literal) and node.is_string):
        return False
    try:
        when = dt.datetime.fromisoformat(node.name)
    except ValueError:
        return False
    return when.day == 1 and when.time() == dt.time(0)


def _check_date(col: exp.Column, where: str, whole: bool) -> None:
    """A date appears only at month resolution: compared with the first day of a month, inside year(),
    month() or date_trunc to a month or coarser, tested for NULL, or as a whole grouping column (a boundary
    moved a day at a time would find the day one person moved)."""
    parent, others = _context(col)
    coarse_unit = isinstance(parent, exp.DateTrunc | exp.TimestampTrunc) and str(
        parent.args.get("unit", "")).strip("'").upper() in ("MONTH", "QUARTER", "YEAR")
    extract = isinstance(parent, exp.Extract) and parent.this.name.upper() in ("YEAR", "MONTH", "QUARTER")
    ok = (whole or isinstance(parent, exp.Year | exp.Month | exp.Is) or coarse_unit or extract
          or (isinstance(parent, COMPARISONS) and bool(others) and all(_month_start(o) for o in others)))
    if not ok:
        raise QueryRefused(f"{where} で日付の列「{col.name}」は、月初の日付との比較、year()・month()・"
                           "date_trunc('month', …)、GROUP BY の列としてだけ使えます（日単位の境界で1人の日付が分かるため）。")


def _groups(tree: exp.Select, columns: set[str], names: set[str], table: str) -> list[exp.Expression]:
    group = tree.args.get("group")
    if group is None:
        return []
    if any(group.args.get(k) for k in ("rollup", "cube", "grouping_sets")):
        raise QueryRefused("ROLLUP・CUBE・GROUPING SETS は使えません。合計は別の照会で求めてください（合計にも同じ保護がかかります）。")
    selects = tree.expressions
    out: list[exp.Expression] = []
    items = list(group.expressions)
    if group.args.get("all"):  # GROUP BY ALL: every output that is not an aggregate
        items = [s.unalias() for s in selects if not any(isinstance(n, exp.AggFunc) for n in s.walk())]
    for g in items:
        target = g
        if isinstance(g, exp.Literal) and not g.is_string:
            i = int(g.name)
            if not 1 <= i <= len(selects):
                raise QueryRefused("GROUP BY の列番号が SELECT の列の数を超えています。")
            target = selects[i - 1].unalias()
        elif isinstance(g, exp.Column) and not g.table and g.name not in columns:
            alias = [s for s in selects if isinstance(s, exp.Alias) and s.alias == g.name]
            if not alias:
                raise QueryRefused(f"GROUP BY の列「{g.name}」はこのテーブルにありません。")
            target = alias[0].unalias()
        _check_scalar(target, columns, names, "GROUP BY", table)
        out.append(target)
    return out


def _outputs(tree: exp.Select, groups: list[exp.Expression], columns: set[str], names: set[str],
             table: str) -> list[Output]:
    if not groups and not any(isinstance(n, exp.AggFunc) for s in tree.expressions for n in s.walk()):
        raise QueryRefused("個々の行は出力できません。GROUP BY と集計関数（count, sum, avg）で集計してください。")
    outputs: list[Output] = []
    for i, item in enumerate(tree.expressions, 1):
        body = item.unalias()
        name = item.alias_or_name if isinstance(item, exp.Alias) or isinstance(body, exp.Column) else ""
        name = name or body.sql(dialect="duckdb")[:60] or f"列{i}"
        match = next((gi for gi, g in enumerate(groups) if g == body), None)
        if match is not None:
            outputs.append(Output(name, group=match))
        elif isinstance(body, exp.AggFunc):
            outputs.append(Output(name, stat=_stat(body, columns, names, table)))
        elif any(isinstance(n, exp.AggFunc) for n in body.walk()):
            raise QueryRefused(f"{i}列目: 集計関数の結果に演算・型変換・関数を重ねることはできません"
                               "（集計値はプラットフォームが計算して保護します）。")
        elif isinstance(body, exp.Literal | exp.Boolean | exp.Null):
            raise QueryRefused(f"{i}列目: 定数を列にすることはできません（人数や件数はプラットフォームが数えます）。")
        else:
            raise QueryRefused(f"{i}列目は GROUP BY の式でも集計関数でもありません。")
    return outputs


def _stat(agg: exp.AggFunc, columns: set[str], names: set[str], table: str) -> Stat:
    func = {exp.Count: "count", exp.Sum: "sum", exp.Avg: "avg"}.get(type(agg))
    if func is None:
        raise QueryRefused(f"集計関数 {agg.sql_name().lower()} は使えません（1人の値がそのまま出るため）。"
                           f"使えるのは count, sum, avg です（不可: {REFUSED_AGGREGATES}）。")
    arg = agg.this
    if arg is None:
        raise QueryRefused(f"{func}() には列か * を指定してください。")
    distinct = isinstance(arg, exp.Distinct)
    if distinct:
        if len(arg.expressions) != 1:
            raise QueryRefused("count(DISTINCT …) には列を1つだけ指定してください。")
        arg = arg.expressions[0]
    if isinstance(arg, exp.Star):
        if func != "count" or distinct:
            raise QueryRefused("* が使えるのは count(*) だけです。")
        return Stat("count", None)
    if distinct and func != "count":
        raise QueryRefused("DISTINCT が使えるのは count だけです。")
    if not isinstance(arg, exp.Column):
        raise QueryRefused(f"{func} の引数は列名だけです（条件は WHERE、区分は GROUP BY に書いてください）。")
    if arg.table and arg.table not in names:
        raise QueryRefused(f"列「{arg.sql()}」の表名が FROM と違います。")
    if arg.name not in columns:
        raise QueryRefused(f"列「{arg.name}」はこのテーブルにありません。")
    if arg.name in ID_COLUMNS and not distinct:
        raise QueryRefused(f"仮名ID（{arg.name}）は count(DISTINCT {arg.name}) の中でだけ使えます。")
    if func in ("sum", "avg"):
        field_type = LOUNGE_TABLES[table].find_field(arg.name).field_type
        if not isinstance(field_type, IntegerType | LongType):
            raise QueryRefused(f"{func} は数値の列にだけ使えます（「{arg.name}」は数値ではありません）。")
    return Stat(func, arg.name, distinct)


def _order(tree: exp.Select, plan: Plan) -> list[tuple[int, bool]]:
    order = tree.args.get("order")
    if order is None:
        return []
    out = []
    selects = tree.expressions
    for o in order.expressions:
        key = o.this
        index: int | None = None
        if isinstance(key, exp.Literal) and not key.is_string:
            index = int(key.name) - 1
            if not 0 <= index < len(selects):
                index = None
        elif isinstance(key, exp.Column) and not key.table:
            index = next((i for i, out_ in enumerate(plan.outputs) if out_.name == key.name), None)
        if index is None:
            index = next((i for i, s in enumerate(selects) if s.unalias() == key), None)
        if index is None:
            raise QueryRefused("ORDER BY には出力する列（名前か番号）を指定してください。")
        out.append((index, bool(o.args.get("desc"))))
    return out


def _limit(tree: exp.Select) -> tuple[int | None, int]:
    limit = tree.args.get("limit")
    offset = tree.args.get("offset")

    def number(node: exp.Expression | None, what: str) -> int | None:
        if node is None:
            return None
        value = node.expression if isinstance(node, exp.Limit | exp.Offset) else node
        if not (isinstance(value, exp.Literal) and not value.is_string and value.name.isdigit()):
            raise QueryRefused(f"{what} には0以上の整数を指定してください。")
        return int(value.name)

    n = number(limit, "LIMIT")
    if n is not None and n > MAX_LIMIT:
        n = MAX_LIMIT
    return n, number(offset, "OFFSET") or 0
