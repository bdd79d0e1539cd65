from django.urls import path

from .exports_posts import posts_export
from .views import urlpatterns as _commitments
from .views_board import urls as _board
from .views_posts import urls as _posts

app_name = "commitments"
urlpatterns = [
    path("posts/export/", posts_export, name="posts_export"),
    *_posts,
    *_board,
    *_commitments,
]
