from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("bahasa/", views.set_language, name="language"),
    path("", views.case_list, name="cases"),
    path("kasus/baru/", views.case_new, name="case_new"),
    path("kasus/<int:pk>/", views.case_detail, name="case"),
    path("kasus/<int:pk>/workbook/", views.workbook_download, name="workbook"),
    path("kasus/<int:pk>/unggah/", views.workbook_upload, name="upload"),
    path("kasus/<int:pk>/bangun/", views.build_start, name="build"),
    path("kasus/<int:pk>/batch/", views.batch_start, name="batch"),
    path("kasus/<int:pk>/pekerjaan/<int:job_id>/", views.job_status, name="job"),
    path("kasus/<int:pk>/perubahan/", views.changes, name="changes"),
    path("kasus/<int:pk>/revisi/<str:rev>/", views.revision_detail, name="revision"),
    path("kasus/<int:pk>/revisi/<str:rev>/unduh/<str:what>", views.revision_file, name="revision_file"),
    path(
        "kasus/<int:pk>/revisi/<str:rev>/halaman/<str:variant>/<str:kind>-<int:page>.png",
        views.revision_image,
        name="revision_image",
    ),
    path("kasus/<int:pk>/revisi/<str:rev>/ttd/", views.signed_upload, name="signed_upload"),
    path("kasus/<int:pk>/ttd/<int:signed_id>/", views.signed_download, name="signed_download"),
    path("kasus/<int:pk>/batch/<int:job_id>/<str:kode>/<str:variant>.pdf", views.batch_file, name="batch_file"),
    path("admin/", admin.site.urls),
]
