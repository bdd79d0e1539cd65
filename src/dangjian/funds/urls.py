from django.urls import path

from . import views, views_assets

app_name = "funds"
urlpatterns = [
    path("", views.home, name="home"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/void/", views.entry_void, name="entry_void"),
    path("entries/<int:pk>/vouchers/", views.voucher_add, name="voucher_add"),
    path("vouchers/<int:pk>/", views.voucher, name="voucher"),
    path("settings/", views.ledger_settings, name="settings"),
    path("export/", views.export, name="export"),
    path("rules/", views.fund_rules, name="rules"),
    path("assets/", views_assets.assets, name="assets"),
    path("assets/new/", views_assets.asset_create, name="asset_create"),
    path("assets/<int:pk>/dispose/", views_assets.asset_dispose, name="asset_dispose"),
    path("assets/export/", views_assets.assets_export, name="assets_export"),
    path("assets/count/", views_assets.assets_count, name="count_export"),
]
