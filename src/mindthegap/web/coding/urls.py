from django.urls import path

from mindthegap.web.coding import analysis_views, codebook_views, compare_views, views

P = "studies/<slug:slug>/coding/"
urlpatterns = [
    path(P, views.source_list, name="coding-sources"),
    path(P + "source/<str:guid>/", views.workspace, name="coding-workspace"),
    path(P + "source/<str:guid>/codings", views.codings_api, name="coding-codings"),
    path(P + "codings/<int:ident>", views.coding_item, name="coding-item"),
    path(P + "memos", views.memo_api, name="coding-memos"),
    path(P + "suggestions/<int:ident>", views.suggestion_api, name="coding-suggestion"),
    path(P + "double/", compare_views.rounds, name="coding-double"),
    path(P + "double/<int:ident>/<str:guid>/finish", compare_views.finish, name="coding-finish"),
    path(P + "double/<int:ident>/<str:guid>/", compare_views.compare, name="coding-compare"),
    path(P + "segments/", analysis_views.segments, name="coding-segments"),
    path(P + "segments.csv", analysis_views.segments_csv, name="coding-segments-csv"),
    path(P + "segments.docx", analysis_views.segments_docx, name="coding-segments-docx"),
    path(P + "matrix/", analysis_views.matrix, name="coding-matrix"),
    path(P + "codebook/", codebook_views.edit, name="coding-codebook"),
]
