"""Reads of organisational life, one module per area. Every function takes ``user`` and starts
from a scoped queryset (``visible_to``/``changeable_by``)."""
