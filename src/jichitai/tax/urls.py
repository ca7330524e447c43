from django.urls import path

from jichitai.tax import certificate_views, taxpayer_views, views

app_name = "tax"
urlpatterns = [
    path("summary/", views.summary_view, name="summary"),
    path("reports/held/", views.held_reports_view, name="held_reports"),
    path("certificates/", certificate_views.certificate_view, name="certificate"),
    path("taxpayers/", taxpayer_views.search_view, name="taxpayers"),
    path("taxpayers/<str:atena_number>/", taxpayer_views.taxpayer_view, name="taxpayer"),
    path("taxpayers/<str:atena_number>/<int:fiscal_year>/notice.pdf", taxpayer_views.assessment_notice_view,
         name="assessment_notice"),
    path("taxpayers/<str:atena_number>/<int:fiscal_year>/payments/", taxpayer_views.payment_view,
         name="counter_payment"),
    path("taxpayers/<str:atena_number>/<int:fiscal_year>/payments/<int:payment_id>/cancel/",
         taxpayer_views.cancel_payment_view, name="cancel_payment"),
    path("taxpayers/<str:atena_number>/<int:fiscal_year>/nouzei.pdf", taxpayer_views.ordinary_notice_view,
         name="ordinary_notice"),
    path("taxpayers/<str:atena_number>/<int:fiscal_year>/tokucho/<str:payer_number>.pdf",
         taxpayer_views.employee_notice_view, name="employee_notice"),
]
