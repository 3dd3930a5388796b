from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openiop.core"
    label = "core"
    verbose_name = "OpenIOP core"
