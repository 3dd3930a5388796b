from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "openiop.participants"
    label = "participants"
    verbose_name = "Participants and episodes of care"
