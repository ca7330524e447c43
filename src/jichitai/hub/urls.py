from django.urls import path

from jichitai.hub import views

app_name = "hub"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("subscriptions/<int:subscription_id>/redeliver", views.redeliver, name="redeliver"),
    path("quarantine/<int:file_id>/release", views.decide, {"decision": "release"}, name="release"),
    path("quarantine/<int:file_id>/reject", views.decide, {"decision": "reject"}, name="reject"),
    path("dr/", views.dr_status, name="dr"),
    path("quarantine/<int:file_id>/report.csv", views.quarantine_report, name="quarantine_report"),
    path("feeds/<slug:feed>", views.feed, name="feed"),
]
