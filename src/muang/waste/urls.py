from django.urls import path

from muang.waste import views

app_name = "waste"

urlpatterns = [
    path("", views.account_list, name="accounts"),
    path("rates/", views.rate_schedules, name="rates"),
    path("billing/", views.billing_run, name="billing"),
    path("arrears/", views.arrears, name="arrears"),
    path("arrears/reminders", views.reminders_send, name="reminders"),
    path("routes/", views.route_list, name="routes"),
    path("routes/<int:route_id>/", views.route_page, name="route"),
    path("crew/", views.crew, name="crew"),
    path("crew/<int:route_id>/trip", views.trip, name="trip"),
]
