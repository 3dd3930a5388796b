from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "openiop.notes"
    label = "notes"
    verbose_name = "Clinical notes"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from openiop.participants import selectors as participant_selectors

        participant_selectors.CHART_TABS.append(
            ("notes", _("Notes"), "notes:chart_tab", "notes.view_progressnote")
        )
