from django.urls import path

from . import views

app_name = "lorawan"

urlpatterns = [
    path("chirpstack/<slug:slug>", views.chirpstack, name="chirpstack"),
    path("tts/<slug:slug>/<slug:event>", views.tts, name="tts"),
]
