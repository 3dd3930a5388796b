from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "openiop.recovery"
    label = "recovery"
    verbose_name = "Between sessions: check-ins, journal, relapse-prevention plan"
