"""The public board (no login), at the board's unguessable address."""

from . import views_board, views_rate

app_name = "open"
urlpatterns = [*views_board.public_urls, *views_rate.public_urls]
