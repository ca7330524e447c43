from django.urls import path

from jichitai.accounts import views

app_name = "root"
urlpatterns = [path("", views.home, name="home")]
