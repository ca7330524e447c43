"""Lounge pages: thin views that parse the request, ask the services and render. Every view is audited."""

from __future__ import annotations

import datetime as dt
import html
import io
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from jichitai.accounts.guards import refuse, requires
from jichitai.accounts.models import Department
from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common import csvout
from jichitai.lounge import boundaries, charts, display, exports, freshness, maps, sql, tile_editor, tiles
from jichitai.lounge import indicators as I
from jichitai.lounge import services as S
from jichitai.lounge.areas import WARD_NAMES, Towns
from jichitai.lounge.disclosure import TOTAL
from jichitai.lounge.errors import LoungeError
from jichitai.lounge.geo import LEVEL_OF_COLUMN, LEVELS
from jichitai.lounge.models import Dashboard
from jichitai.lounge.publish import SUPPRESSED, Published
from jichitai.lounge.refresh import MartSet


def _context(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Everything an indicator view needs: the marts (as of), the period and area chosen, the result."""
    ind = I.get(slug)
    as_of_text = request.GET.get("as_of", "")
    release = S.parse_as_of(as_of_text)
    marts = S.as_of(release)
    options = S.indicator_periods(marts, slug)
    period = request.GET.get("period") or (options[-1] if options else "")
    area = request.GET.get("area") or TOTAL
    pub = S.published(marts, slug, period)
    points = [(p, S.published(marts, slug, p)) for p in options]
    if area != TOTAL and charts.area_dim(ind) in ("ward_code", "town_code") and area not in WARD_NAMES:
        raise LoungeError("区の指定が正しくありません。", field="area")
    return {"ind": ind, "marts": marts, "periods": options, "period": pub.period, "area": area, "pub": pub,
            "points": points, "as_of": as_of_text, "wards": WARD_NAMES, "total": TOTAL,
            "parents": S.area_parents(marts, slug),
            "lineage": marts.sources(slug), "k": S.k(),
            "release": release.strftime("%Y年%-m月%-d日") if release else ""}


def _table(pub: Published, area: str, ind: I.Indicator, parents: Towns) -> list[list[Any]]:
    """The rows of the data table: labels, then the figures (``None`` where suppressed). A ward chosen keeps
    the ward's rows (for 町字: the ward and its 町字)."""
    adim = charts.area_dim(ind)
    rows = []
    for row in pub.rows:
        if adim == "ward_code" and area != TOTAL and row.get("ward_code") != area:
            continue
        if adim == "town_code" and area != TOTAL and row["town_code"] != area and parents.get(row["town_code"]) != area:
            continue
        cells = [row.get(ind.partition)] if ind.partition else []
        cells += [charts.town_label(row[d.column], parents) if row[d.column] in parents else row[f"{d.column}_label"]
                  for d in ind.dims]
        cells += [row["value"]] + [row.get(c) for c, _ in ind.sums]
        rows.append(cells)
    return rows


def _units(ind: I.Indicator) -> list[str | None]:
    """Per column of :func:`_table`: ``None`` for a label, else the unit its figures are shown with."""
    return ([None] if ind.partition else []) + [None for _ in ind.dims] + [ind.unit] + [
        display.unit_for(c, ind.unit) for c, _ in ind.sums]


def _cell(value: Any, unit: str | None) -> str:
    if unit is None:
        return f"<td>{html.escape(str(value))}</td>"
    if value is None:
        return f'<td class="num suppressed">{display.SUPPRESSED_TEXT}</td>'
    return f'<td class="num">{html.escape(display.figure(value, unit))}</td>'


def _rows_html(rows: list[list[Any]], units: list[str | None]) -> SafeString:
    """The body of a data table (hundreds of rows: ``population`` has 750), every cell escaped as the template's
    autoescape does (``html.escape``). Built here because a template loop over every cell cost ~100 ms a page;
    figures are written by :func:`display.figure`, as the template filter ``figure`` writes them."""
    return mark_safe("".join(  # noqa: S308 - every cell is escaped in _cell
        "<tr>" + "".join(_cell(c, u) for c, u in zip(r, units, strict=True)) + "</tr>" for r in rows))


def _charts(ind: I.Indicator, pub: Published, points: list[tuple[str, Published]], area: str,
            parents: Towns, marts: MartSet) -> list[dict[str, Any]]:
    """The charts of an indicator, with the map of its areas second when the city has boundaries for them
    (a ward map replaces the schematic tile map); the trend names each period in words, a year the data end
    inside as such."""

    def partial_of(period: str) -> dt.date | None:
        return marts.periods.partial(int(period)) if ind.period == "year" else None

    words = {p: tiles.period_words(ind, p, partial_of(p)) for p, _ in points}
    partial = next((p for p, _ in points if partial_of(p)), None)
    specs = charts.charts_for(ind, pub, points, area, parents, words, partial)
    found = maps.map_for(ind, pub, area, parents)
    if found is None:
        return specs
    specs = [s for s in specs if not str(s.get("title", "")).startswith(f"{ind.title}：区別")]
    return [specs[0], found, *specs[1:]]


def _ids(specs: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    return [{"id": f"spec-{prefix}-{i}", "spec": spec} for i, spec in enumerate(specs, 1)]


@requires("lounge.view")
def index(request: HttpRequest) -> HttpResponse:
    boards = [d for d in Dashboard.objects.select_related("owner", "department")
              if allowed(request.user, "lounge.dashboard.view", d)]
    audit.record(request.user, "lounge.view", "lounge:index")
    return render(request, "lounge/index.html", {
        "indicators": I.INDICATORS.values(), "dashboards": boards, "boards": S.dashboards().values(),
        "can_build": allowed(request.user, "lounge.dashboard.edit"),
        "can_sql": allowed(request.user, "lounge.sql"), "can_export": allowed(request.user, "lounge.export"),
    })


@requires("lounge.view")
def indicator(request: HttpRequest, slug: str) -> HttpResponse:
    ctx = _context(request, slug)
    ind, pub = ctx["ind"], ctx["pub"]
    audit.record(request.user, "lounge.view", f"lounge.indicator:{slug}", period=ctx["period"], area=ctx["area"],
                 as_of=ctx["as_of"])
    ctx.update(
        specs=_ids(_charts(ind, pub, ctx["points"], ctx["area"], ctx["parents"], ctx["marts"]), slug),
        ranking=_rows_html([[r["rank"], r["town"], r["kana"], r["ward"], r["value"]]
                            for r in _ranked(request, pub, ctx["area"], ctx["parents"])], [None, None, None, None, ind.unit])
        if charts.area_dim(ind) == "town_code" else "",
        ranking_orders=_ranking_orders(request),
        headers=(["区分"] if ind.partition else []) + [d.label for d in ind.dims] + [ind.measure_label]
        + [display.heading(lab) for _, lab in ind.sums],
        table_rows=_rows_html(_table(pub, ctx["area"], ind, ctx["parents"]), _units(ind)),
        derived_headers=[display.heading(lab) for _, lab in pub.derived_columns],
        derived_rows=_rows_html(
            [[r.get(f"{c}_label", r.get(c)) if i == 0 else r.get(c) for i, (c, _) in enumerate(pub.derived_columns)]
             for r in pub.derived],
            [None] + [display.unit_for(c, ind.unit) for c, _ in pub.derived_columns[1:]]),
        suppressed_note=display.SUPPRESSED_NOTE,
        map_note=_map_note(ind),
        query=request.GET.urlencode(),
    )
    return render(request, "lounge/indicator.html", ctx)


RANKING_ORDERS = {"rank": "順位", "town": "町字順（住所辞書の順）", "kana": "五十音順"}


def _ranking_order(request: HttpRequest) -> str:
    order = request.GET.get("order") or "rank"
    if order not in RANKING_ORDERS:
        raise LoungeError("並べ替えは「順位」「町字順」「五十音順」から選んでください。", field="order")
    return order


def _ranked(request: HttpRequest, pub: Published, area: str, parents: Towns) -> list[dict[str, Any]]:
    """The 町字 ranking in the order asked: by the figure (順位), in 町字 order or by kana (五十音順)."""
    rows = charts.town_ranking(pub, area, parents)
    order = _ranking_order(request)
    if order == "town":
        rows.sort(key=lambda r: r["order"])
    elif order == "kana":
        rows.sort(key=lambda r: (not r["kana"], r["kana"], r["order"]))
    return rows


def _ranking_orders(request: HttpRequest) -> list[tuple[str, str, bool]]:
    """(label, query, chosen) of each order of the ranking, the page's other choices kept."""
    chosen = _ranking_order(request)
    out = []
    for key, words in RANKING_ORDERS.items():
        query = request.GET.copy()
        query["order"] = key
        out.append((words, query.urlencode(), key == chosen))
    return out


def _map_note(ind: I.Indicator) -> str:
    """What the page says about its map: synthetic boundaries named as such, a missing one explained."""
    column = charts.area_dim(ind)
    if column is None:
        return ""
    level = LEVEL_OF_COLUMN[column]
    found = boundaries.load(level)
    if found is None:
        return f"{LEVELS[level]}の境界データが登録されていないため、地図は表示していません（登録はシステム担当者へ）。"
    return maps.SYNTHETIC_NOTE if found.synthetic else f"境界：{found.source}（簡略化して表示）"


@requires("lounge.view")
def indicator_json(request: HttpRequest, slug: str) -> HttpResponse:
    ctx = _context(request, slug)
    audit.record(request.user, "lounge.view", f"lounge.indicator:{slug}", format="json", period=ctx["period"],
                 as_of=ctx["as_of"])
    body = ctx["pub"].as_dict()
    body["lineage"] = [vars(li) for li in ctx["lineage"]]
    body["charts"] = _charts(ctx["ind"], ctx["pub"], ctx["points"], ctx["area"], ctx["parents"], ctx["marts"])
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@requires("lounge.view")
def indicator_csv(request: HttpRequest, slug: str) -> HttpResponse:
    ctx = _context(request, slug)
    ind = ctx["ind"]
    audit.record(request.user, "lounge.view", f"lounge.indicator:{slug}", format="csv", period=ctx["period"],
                 as_of=ctx["as_of"])
    out = io.StringIO()
    writer = csvout.writer(out, for_people=True)
    writer.writerow((["区分"] if ind.partition else []) + [d.label for d in ind.dims] + [ind.measure_label]
                    + [lab for _, lab in ind.sums])
    writer.writerows([SUPPRESSED if c is None else c for c in r] for r in _table(ctx["pub"], ctx["area"], ind, ctx["parents"]))
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}_{ctx["period"]}.csv"'
    return response


@requires("lounge.view")
def lineage(request: HttpRequest, slug: str) -> HttpResponse:
    ctx = _context(request, slug)
    audit.record(request.user, "lounge.view", f"lounge.lineage:{slug}", as_of=ctx["as_of"])
    return render(request, "lounge/lineage.html", ctx)


def _share(part: int | None, whole: int | None) -> str | None:
    """A percentage with one decimal (65歳以上の割合), or None when either count is suppressed."""
    if part is None or not whole:
        return None
    return f"{part / whole * 100:.1f}%"


@requires("lounge.view")
def projection(request: HttpRequest) -> HttpResponse:
    marts = S.as_of(S.parse_as_of(request.GET.get("as_of", "")))
    area = request.GET.get("area") or TOTAL
    if area != TOTAL and area not in WARD_NAMES:
        raise LoungeError("区の指定が正しくありません。", field="area")
    data = S.protected_projection(S.projection(marts))
    audit.record(request.user, "lounge.view", "lounge.projection", area=area)
    table = [[y, data["totals"][area][i], *[data["groups"][area][g][i] for g in ("0〜14歳", "15〜64歳", "65歳以上")],
              _share(data["groups"][area]["65歳以上"][i], data["totals"][area][i]),
              data["variants"]["高位"][area][i], data["variants"]["低位"][area][i]]
             for i, y in enumerate(data["years"])] if area in data["totals"] else []
    return render(request, "lounge/projection.html", {
        "spec": charts.projection_chart(data, area), "data": data, "area": area, "wards": WARD_NAMES,
        "total": TOTAL, "table": table,
        "lineage": [marts.lineage[n] for n in ("resident_spells", "movements", "births") if n in marts.lineage],
        "as_of": request.GET.get("as_of", ""), "suppressed_note": display.SUPPRESSED_NOTE,
    })


# ---- dashboards -------------------------------------------------------------------------------------------

def _dashboard_form(request: HttpRequest, board: Dashboard | None) -> HttpResponse:
    """The tile editor (lounge/tile_editor.py): every button posts the whole form; 保存 checks and saves, the
    others (追加・削除・上へ・下へ・反映) re-render it with the tiles changed, everything typed kept."""
    refusals: list[tile_editor.Refusal] = []
    source = S.dashboards().get(request.POST.get("from") or request.GET.get("from") or "")
    if request.method == "POST":
        rows = tile_editor.rows_from(request.POST)
        title = request.POST.get("title", "").strip()
        description = request.POST.get("description", "")
        sharing = request.POST.get("sharing", Dashboard.PRIVATE)
        dept_id = request.POST.get("department", "")
        action = request.POST.get("action") or "save"
        if action != "save":
            rows = tile_editor.act(rows, action)
        else:
            dept = Department.objects.filter(pk=int(dept_id)).first() if dept_id.isdigit() else None
            if not title:
                refusals.append(tile_editor.Refusal("タイトルを入力してください。"))
            if sharing not in dict(Dashboard.SHARING):
                refusals.append(tile_editor.Refusal("共有範囲が正しくありません。"))
            if sharing == Dashboard.DEPARTMENT and dept is None:
                refusals.append(tile_editor.Refusal("共有先の課を選んでください。"))
            chosen, refused = tile_editor.check(rows)
            refusals += refused
            if not refusals:
                saved = S.save_dashboard(request.user, board, title=title, description=description,
                                         sharing=sharing, department=dept, chosen=chosen)
                return redirect("lounge:dashboard", pk=saved.pk)
    else:
        start = board.as_board() if board else source
        rows = tile_editor.rows_of(start) if start else [tile_editor.blank()]
        title = board.title if board else source.title if source else ""
        description = board.description if board else source.description if source else ""
        sharing = board.sharing if board else Dashboard.PRIVATE
        dept_id = str(board.department_id or "") if board else ""
    return render(request, "lounge/dashboard_form.html", {
        "board": board, "refusals": refusals, "indicators": I.INDICATORS.values(),
        "tiles": tile_editor.editor(rows), "count": len(rows), "max_tiles": tile_editor.MAX_TILES,
        "departments": Department.objects.all(), "sharing": Dashboard.SHARING, "sharing_chosen": sharing,
        "department_chosen": dept_id, "source": source, "title": title, "description": description,
    }, status=400 if refusals else 200)


@requires("lounge.dashboard.edit")
@require_http_methods(["GET", "POST"])
def dashboard_new(request: HttpRequest) -> HttpResponse:
    return _dashboard_form(request, None)


@requires("lounge.dashboard.edit")
@require_http_methods(["GET", "POST"])
def dashboard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    board = get_object_or_404(Dashboard, pk=pk)
    if not allowed(request.user, "lounge.dashboard.edit", board):
        return refuse(request, "lounge.dashboard.edit", f"lounge.dashboard:{pk}")
    return _dashboard_form(request, board)


def _link(request: HttpRequest) -> Any:
    """The board's URL for another area (drill-down) and year, keeping the as-of time."""
    as_of_text = request.GET.get("as_of", "")

    def link(area: str, year: int | None) -> str:
        params = {"area": area} | ({"year": str(year)} if year else {}) | ({"as_of": as_of_text} if as_of_text else {})
        return "?" + urlencode(params)
    return link


def _board_page(request: HttpRequest, board: Any, target: str, extra: dict[str, Any]) -> HttpResponse:
    view = S.board_view(board, request.GET.get("as_of", ""), request.GET.get("area", ""),
                        request.GET.get("year", ""), _link(request))
    audit.record(request.user, "lounge.view", target, area=view.area.code, year=view.year,
                 as_of=request.GET.get("as_of", ""))
    return render(request, "lounge/board.html", {
        "view": view, "total": TOTAL, "as_of": request.GET.get("as_of", ""),
        "tiles": [{"tile": t, "id": f"spec-tile-{i}"} for i, t in enumerate(view.tiles, 1)],
        "query": request.GET.urlencode(), "suppressed_note": display.SUPPRESSED_NOTE, **extra})


def _board_pdf(request: HttpRequest, board: Any, target: str, name: str) -> HttpResponse:
    view = S.board_view(board, request.GET.get("as_of", ""), request.GET.get("area", ""),
                        request.GET.get("year", ""), _link(request))
    body = S.board_pdf(view)
    audit.record(request.user, "lounge.export", target, format="pdf", area=view.area.code, year=view.year)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@requires("lounge.view")
def board(request: HttpRequest, slug: str) -> HttpResponse:
    found = S.dashboard(slug)
    return _board_page(request, found, f"lounge.board:{slug}", {
        "pdf_url": reverse("lounge:board_pdf", args=[slug]), "can_copy": allowed(request.user, "lounge.dashboard.edit"),
        "slug": slug})


@requires("lounge.view")
def board_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    return _board_pdf(request, S.dashboard(slug), f"lounge.board:{slug}", slug)


def _saved(request: HttpRequest, pk: int) -> tuple[Dashboard | None, HttpResponse | None]:
    saved = get_object_or_404(Dashboard.objects.select_related("owner", "department"), pk=pk)
    if not allowed(request.user, "lounge.dashboard.view", saved):
        return None, refuse(request, "lounge.dashboard.view", f"lounge.dashboard:{pk}")
    return saved, None


@requires("lounge.dashboard.view")
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    saved, refused = _saved(request, pk)
    if refused is not None or saved is None:
        return refused or HttpResponse(status=404)
    return _board_page(request, saved.as_board(), f"lounge.dashboard:{pk}", {
        "saved": saved, "can_edit": allowed(request.user, "lounge.dashboard.edit", saved),
        "pdf_url": reverse("lounge:dashboard_pdf", args=[pk])})


@requires("lounge.dashboard.view")
def dashboard_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    saved, refused = _saved(request, pk)
    if refused is not None or saved is None:
        return refused or HttpResponse(status=404)
    return _board_pdf(request, saved.as_board(), f"lounge.dashboard:{pk}", f"dashboard-{pk}")


# ---- analysts' SQL, exports, refresh ----------------------------------------------------------------------

@requires("lounge.sql")
@require_http_methods(["GET", "POST"])
def sql_console(request: HttpRequest) -> HttpResponse:
    ctx: dict[str, Any] = {"query": "", "tables": sql.describe(), "k": S.k()}
    if request.method == "POST":
        ctx["query"] = request.POST.get("query", "")
        try:
            ctx["result"] = S.run_sql(ctx["query"], request.user)
            audit.record(request.user, "lounge.sql", "lounge.sql", query=ctx["query"][:2000],
                         rows=len(ctx["result"].rows), suppressed=ctx["result"].suppressed)
        except LoungeError as exc:
            ctx["error"] = exc.message
            audit.record(request.user, "lounge.sql", "lounge.sql", "refused", query=ctx["query"][:2000],
                         reason=exc.message)
    return render(request, "lounge/sql.html", ctx, status=400 if ctx.get("error") else 200)


@requires("lounge.export")
def export_index(request: HttpRequest) -> HttpResponse:
    person_level = allowed(request.user, "lounge.person_level")
    audit.record(request.user, "lounge.export", "lounge.export:index", person_level=person_level)
    return render(request, "lounge/export.html", {
        "indicators": I.INDICATORS.values(), "catalogue": S.catalogue_address(),
        "person_level": S.person_level_catalogue_address() if person_level else None})


@requires("lounge.export")
def export_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    I.get(slug)
    body, content_type = exports.render(S.current(), slug, fmt, S.k())
    audit.record(request.user, "lounge.export", f"lounge.export:{slug}", format=fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
    return response


@requires("lounge.refresh")
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    marts = freshness.refresh(trigger="page")
    audit.record(request.user, "lounge.refresh", "lounge.marts", seconds=round(marts.seconds, 2))
    return redirect("lounge:freshness")


@requires("lounge.view")
def freshness_page(request: HttpRequest) -> HttpResponse:
    audit.record(request.user, "lounge.view", "lounge:freshness")
    return render(request, "lounge/freshness.html", {**freshness.status(),
                                                     "can_refresh": allowed(request.user, "lounge.refresh")})
