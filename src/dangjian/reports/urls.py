from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/<int:year>/", views.report, name="report"),
    path("<int:pk>/<int:year>/report.docx", views.report_docx, name="docx"),
]
