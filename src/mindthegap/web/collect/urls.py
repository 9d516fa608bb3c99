"""URLs of web collection: respondents' links (no sign-in) and the study team's pages (signed in)."""

from django.urls import path

from mindthegap.web.collect import delphi_views, owner, setup_views, views

PERSONAL, OPEN = {"kind": "personal"}, {"kind": "open"}

urlpatterns = [
    path("respond/<str:key>/", views.start, PERSONAL, name="collect-personal"),
    path("respond/<str:key>/<int:number>/", views.page, PERSONAL, name="collect-personal-page"),
    path("respond/<str:key>/done/", views.done, PERSONAL, name="collect-personal-done"),
    path("open/<str:key>/", views.start, OPEN, name="collect-open"),
    path("open/<str:key>/<int:number>/", views.page, OPEN, name="collect-open-page"),
    path("open/<str:key>/done/", views.done, OPEN, name="collect-open-done"),
    path("delphi/<str:key>/", delphi_views.rate, name="delphi-rate"),
    path("delphi/<str:key>/done/", delphi_views.done, name="delphi-done"),
    path("studies/<slug:slug>/surveys/", owner.survey_list, name="surveys"),
    path("studies/<slug:slug>/surveys/new/", setup_views.new_survey, name="survey-new"),
    path("studies/<slug:slug>/surveys/<slug:survey>/", owner.tracking, name="survey-tracking"),
    path(
        "studies/<slug:slug>/surveys/<slug:survey>/mailing-list.csv",
        owner.mailing_list,
        name="survey-mailing",
    ),
    path("studies/<slug:slug>/surveys/<slug:survey>/reminders.csv", owner.reminders, name="survey-reminders"),
    path("studies/<slug:slug>/surveys/<slug:survey>/responses.<str:fmt>", owner.export, name="survey-export"),
]
