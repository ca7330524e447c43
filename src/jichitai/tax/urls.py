from django.urls import path

from jichitai.tax import certificate_views, views

app_name = "tax"
urlpatterns = [
    path("summary/", views.summary_view, name="summary"),
    path("reports/held/", views.held_reports_view, name="held_reports"),
    path("certificates/", certificate_views.certificate_view, name="certificate"),
]
