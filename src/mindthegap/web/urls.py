from django.contrib import admin
from django.urls import include, path

from mindthegap.web import audit_views, first_run, setup_views, views
from mindthegap.web.signin import SignInView

urlpatterns = [
    path("", views.study_list, name="study-list"),
    path("studies/<slug:slug>/", views.dashboard, name="dashboard"),
    path("studies/<slug:slug>/report.html", views.report_download, name="report-download"),
    path("studies/<slug:slug>/gap.csv", views.gap_export, name="gap-export"),
    path("studies/<slug:slug>/suggestions/", views.suggestions, name="suggestions"),
    path("studies/<slug:slug>/audit/", audit_views.audit_log, name="audit"),
    path("studies/<slug:slug>/audit.csv", audit_views.audit_export, name="audit-export"),
    path("studies/<slug:slug>/setup/", setup_views.setup, name="study-setup"),
    path("studies/<slug:slug>/study.yaml", setup_views.study_file, name="study-file"),
    path("setup/first-run/", first_run.first_run, name="first-run"),
    path("", include("mindthegap.web.collect.urls")),
    path("studies/<slug:slug>/consensus/", views.consensus_dashboard, name="consensus"),
    path("", include("mindthegap.web.coding.urls")),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
