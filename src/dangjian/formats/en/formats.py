"""Dates as the ledgers write them (2026-12-05), whatever the browser's language: a page and
the sheet exported from it read the same. Everything else keeps the locale's defaults."""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
