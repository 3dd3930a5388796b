from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "openiop.plans"
    label = "plans"
    verbose_name = "Treatment plans"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from openiop.participants import selectors as participant_selectors

        participant_selectors.CHART_TABS.append(
            ("plan", _("Plan"), "plans:plan", "plans.view_treatmentplan")
        )
