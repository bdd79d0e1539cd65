"""Shared helpers of the isolation suites (pages in tests/accounts, API in tests/api)."""

from __future__ import annotations

import json
from functools import cache

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from .endpoints import Endpoint, World

ATTACKERS = ["comm_b_sec", "outsider", "member_user"]


def markers_for(world: World, who: str) -> tuple[str, ...]:
    """What ``who`` must never see of community A (the member sees their own name and branch)."""
    return world.markers_hidden_from_member if who == "member_user" else world.markers_a


def leaked(text: str, markers: tuple[str, ...]) -> list[str]:
    return [m for m in markers if m in text]


@cache
def page_names() -> frozenset[str]:
    """Every named URL of the site as "namespace:name", the API's own routes left out."""

    def walk(resolver: URLResolver, ns: str):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "api":
                    continue
                yield from walk(p, f"{ns}{p.namespace}:" if p.namespace else ns)
            elif p.name:
                yield ns + p.name

    return frozenset(walk(get_resolver(), ""))


def skip_if_unbuilt(name: str) -> None:
    """The table may list a page another helper is still building; it is tested once it exists."""
    if ":" in name and not name.startswith(("GET ", "POST ")) and name not in page_names():
        pytest.skip(f"{name} does not exist yet")


def send(client: Client, ep: Endpoint, world: World, *, missing: bool = False, **extra):
    path = world.fill(ep.path, missing=missing)
    if ep.method == "GET":
        return client.get(path, **extra)
    body = world.fill_body(ep.body, missing=missing)
    if path.startswith("/api/"):
        call = getattr(client, ep.method.lower())
        return call(path, json.dumps(body), content_type="application/json", **extra)
    return client.post(path, body, **extra)
