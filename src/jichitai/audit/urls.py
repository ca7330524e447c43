from django.urls import path

from jichitai.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("analyses/", views.analyses_index, name="analyses"),
    path("analyses/<slug:name>/", views.analysis, name="analysis"),
    path("verify/", views.verify, name="verify"),
]
