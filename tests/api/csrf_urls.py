"""A URLconf for the CSRF tests: the real API plus a small API with one unsafe endpoint, guarded
by the very same authentication classes (the real API has no unsafe endpoint yet)."""

from django.urls import include, path
from ninja import NinjaAPI

from dangjian.api import SessionAuth, TokenAuth

probe = NinjaAPI(auth=[TokenAuth(), SessionAuth()], urls_namespace="csrf_probe")


@probe.post("/write")
def write(request):
    return {"user": request.auth.get_username()}


@probe.get("/read")
def read(request):
    return {"user": request.auth.get_username()}


urlpatterns = [
    path("probe/", probe.urls),
    path("", include("dangjian.urls")),
]
