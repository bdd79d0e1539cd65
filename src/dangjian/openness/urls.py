"""The community's pages of 党务居务公开 (login, scoped): what is published, ratings."""

from . import views_board, views_rate

app_name = "openness"
urlpatterns = [*views_board.manage_urls, *views_rate.manage_urls]
