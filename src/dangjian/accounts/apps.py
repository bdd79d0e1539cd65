from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from .services import logged_out

        user_logged_out.connect(logged_out, dispatch_uid="dangjian.accounts.logged_out")
