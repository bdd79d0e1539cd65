from .views import urlpatterns as _commitments
from .views_board import urls as _board
from .views_posts import urls as _posts

app_name = "commitments"
urlpatterns = _posts + _board + _commitments
