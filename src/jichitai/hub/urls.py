from django.urls import path

from jichitai.hub import views

app_name = "hub"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("quarantine/<int:file_id>/report.csv", views.quarantine_report, name="quarantine_report"),
    path("feeds/<slug:feed>", views.feed, name="feed"),
]
