from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "openiop.recovery"
    label = "recovery"
    verbose_name = "Between sessions: check-ins, journal, relapse-prevention plan"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from openiop.participants import selectors as participant_selectors
        from openiop.recovery import selectors

        participant_selectors.CHART_TABS.append(
            ("check_ins", _("Check-ins"), "recovery:check_ins", "recovery.see_checkins")
        )
        participant_selectors.CHART_TABS.append(
            ("portal_access", _("Portal"), "recovery:portal_access", "participants.manage_consent")
        )
        participant_selectors.CHART_ALERT_PROVIDERS.append(selectors.chart_alerts)
        participant_selectors.CASELOAD_ALERT_PROVIDERS.append(selectors.caseload_alerts)
