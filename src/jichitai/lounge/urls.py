from django.urls import path

from jichitai.lounge import views

app_name = "lounge"
urlpatterns = [
    path("", views.index, name="index"),
    path("i/<slug:slug>/", views.indicator, name="indicator"),
    path("i/<slug:slug>/data.json", views.indicator_json, name="indicator_json"),
    path("i/<slug:slug>/data.csv", views.indicator_csv, name="indicator_csv"),
    path("i/<slug:slug>/lineage/", views.lineage, name="lineage"),
    path("projection/", views.projection, name="projection"),
    path("d/new/", views.dashboard_new, name="dashboard_new"),
    path("d/<int:pk>/", views.dashboard, name="dashboard"),
    path("d/<int:pk>/dashboard.pdf", views.dashboard_pdf, name="dashboard_pdf"),
    path("b/<slug:slug>/", views.board, name="board"),
    path("b/<slug:slug>/dashboard.pdf", views.board_pdf, name="board_pdf"),
    path("d/<int:pk>/edit/", views.dashboard_edit, name="dashboard_edit"),
    path("sql/", views.sql_console, name="sql"),
    path("export/", views.export_index, name="export"),
    path("export/<slug:slug>.<str:fmt>", views.export_file, name="export_file"),
    path("refresh/", views.refresh, name="refresh"),
    path("freshness/", views.freshness_page, name="freshness"),
]
