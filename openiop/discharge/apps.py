from django.apps import AppConfig


class DischargeConfig(AppConfig):
    name = "openiop.discharge"
    label = "discharge"
    verbose_name = "Step-down, discharge and aftercare"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from openiop.participants import selectors as participant_selectors

        participant_selectors.CHART_TABS.append(
            (
                "step_down",
                _("Step-down & discharge"),
                "discharge:chart",
                "participants.view_clinical_record",
            )
        )
