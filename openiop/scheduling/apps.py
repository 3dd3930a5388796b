from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "openiop.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from openiop.participants import selectors as participant_selectors
        from openiop.scheduling import selectors

        participant_selectors.CHART_TABS.append(
            ("schedule", _("Schedule"), "scheduling:schedule", "scheduling.view_session")
        )
        participant_selectors.CASELOAD_ALERT_PROVIDERS.append(selectors.caseload_alerts)
