from django.urls import path

from . import views, views_public

app_name = "servicedesk"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/", views.step, name="step"),
    path("<int:pk>/reveal-phone/", views.reveal_phone, name="reveal_phone"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("documents/<int:pk>/back/", views.document_back, name="document_back"),
    path("export/", views.export, name="export"),
    path("export/errands/", views.export_errands, name="export_errands"),
    path("stats/", views.stats, name="stats"),
    path("public/<str:code>/new/", views_public.public_new, name="public_new"),
    path("public/r/<int:pk>/<str:token>/", views_public.public_receipt, name="public_receipt"),
]
