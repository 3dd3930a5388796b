from django.apps import AppConfig


class DrugTestsConfig(AppConfig):
    name = "openiop.drugtests"
    label = "drugtests"
    verbose_name = "Drug testing"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from openiop.drugtests import selectors, services
        from openiop.participants import selectors as participant_selectors
        from openiop.participants import services as participant_services

        participant_selectors.CHART_TABS.append(
            ("drugtests", _("Drug tests"), "drugtests:chart", "drugtests.see_results")
        )
        participant_selectors.CHART_ALERT_PROVIDERS.append(selectors.chart_alerts)
        participant_selectors.CASELOAD_ALERT_PROVIDERS.append(selectors.caseload_alerts)
        participant_services.ADMISSION_HOOKS.append(services.admission_test_order)
