from django.urls import path

from jichitai.jutogai import views

app_name = "jutogai"

urlpatterns = [
    path("", views.search, name="search"),
    path("new", views.register, name="register"),
    path("<str:number>/", views.detail, name="detail"),
]
