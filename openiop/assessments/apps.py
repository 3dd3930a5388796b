from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "openiop.assessments"
    label = "assessments"
    verbose_name = "Assessments and measurement-based care"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from openiop.assessments import selectors
        from openiop.participants import selectors as participant_selectors

        participant_selectors.CHART_TABS.append(
            ("measures", _("Measures"), "assessments:measures", "assessments.view_administration")
        )
        participant_selectors.CHART_TABS.append(
            (
                "assessment",
                _("Assessment"),
                "assessments:dimensional",
                "assessments.view_dimensionalassessment",
            )
        )
        participant_selectors.CHART_ALERT_PROVIDERS.append(selectors.chart_alerts)
        participant_selectors.CASELOAD_ALERT_PROVIDERS.append(selectors.caseload_alerts)
