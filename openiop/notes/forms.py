"""Note editor forms. Server-owned fields (participant, author, status, signatures) are never
form fields (AZ-6); the version and the editor page's token ride along for optimistic locking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openiop.core.forms import BootstrapFormMixin, DateInput
from openiop.notes import formats
from openiop.notes.models import Delivery, Participation, ServiceType


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _modality_choices():
    from openiop.plans.models import Modality

    return Modality.choices


class ObjectiveChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, to_field_name="public_id", **kwargs)

    def label_from_instance(self, objective):
        return f"{objective.description} ({_('target')} {objective.target_on:%Y-%m-%d})"


class _DocumentForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    editor = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)
    service_on = forms.DateField(label=_("Date of service"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=TimeInput())
    end_time = forms.TimeField(label=_("End time"), required=False, widget=TimeInput())
    delivery = forms.ChoiceField(label=_("In person or telehealth"), choices=Delivery.choices)
    location = forms.CharField(label=_("Location"), required=False, max_length=120)
    interventions = forms.MultipleChoiceField(
        label=_("Interventions used"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=_modality_choices,
    )

    document_fields: tuple[str, ...] = ()

    def changes(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in self.document_fields} | {
            "interventions": data["interventions"]
        }


class ProgressNoteForm(_DocumentForm):
    service_type = forms.ChoiceField(label=_("Service type"), choices=ServiceType.choices)
    objectives = ObjectiveChoiceField(
        label=_("Plan objectives addressed"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    document_fields = (
        "service_type",
        "service_on",
        "start_time",
        "end_time",
        "delivery",
        "location",
    )
    field_order = ["service_type", "service_on", "start_time", "end_time", "delivery", "location"]

    def __init__(self, *args, spec: formats.NoteFormat, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.fields["objectives"].queryset = objectives
        for section in spec.sections:
            self.fields[section.key] = forms.CharField(
                label=section.label,
                help_text=section.prompt,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
        self.style_fields()

    @staticmethod
    def initial_for(note, *, editor: str) -> dict:
        return {
            "version": note.version,
            "editor": editor,
            "service_type": note.service_type,
            "service_on": note.service_on,
            "start_time": note.start_time,
            "end_time": note.end_time,
            "delivery": note.delivery,
            "location": note.location,
            "interventions": note.interventions,
            "objectives": list(note.objectives.all()),
            **formats.clean_content(note.format_spec, note.content),
        }

    def section_fields(self) -> list:
        return [self[section.key] for section in self.spec.sections]

    def changes(self) -> dict:
        data = self.cleaned_data
        return super().changes() | {
            "content": {key: data[key] for key in self.spec.keys},
            "objectives": list(data["objectives"]),
        }


class GroupNoteForm(_DocumentForm):
    topic = forms.CharField(label=_("Topic"), required=False, max_length=200)
    curriculum_unit = forms.CharField(label=_("Curriculum unit"), required=False, max_length=200)
    group_process = forms.CharField(
        label=_("Group process"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What happened in the group as a whole. Every attendee's chart shows this text: "
            'refer to others generically ("a peer", "group members"), never by name.'
        ),
    )
    attendees = forms.MultipleChoiceField(
        label=_("Participants who attended"), required=False, widget=forms.CheckboxSelectMultiple
    )

    document_fields = (
        "topic",
        "curriculum_unit",
        "service_on",
        "start_time",
        "end_time",
        "delivery",
        "location",
        "group_process",
    )
    field_order = [*document_fields, "interventions", "attendees"]

    def __init__(self, *args, eligible, attendees, objectives_by_episode, **kwargs):
        """``eligible``: episodes that may attend; ``attendees``: the note's sections;
        ``objectives_by_episode``: episode id -> objective queryset."""
        super().__init__(*args, **kwargs)
        self.eligible = {str(episode.public_id): episode for episode in eligible}
        for attendee in attendees:  # listed even if no longer eligible (e.g. discharged)
            self.eligible.setdefault(str(attendee.episode.public_id), attendee.episode)
        self.fields["attendees"].choices = [
            (key, episode.participant.display_name) for key, episode in self.eligible.items()
        ]
        self.attendee_rows = []
        for attendee in attendees:
            prefix = f"s-{attendee.episode.public_id.hex}-"
            self.fields[prefix + "participation"] = forms.ChoiceField(
                label=_("Participation"),
                required=False,
                choices=[("", "—"), *Participation.choices],
            )
            self.fields[prefix + "response"] = forms.CharField(
                label=_("Response to the group"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[prefix + "progress"] = forms.CharField(
                label=_("Progress toward objectives"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[prefix + "objectives"] = ObjectiveChoiceField(
                label=_("Plan objectives addressed"),
                queryset=objectives_by_episode[attendee.episode_id],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.attendee_rows.append((attendee, prefix))
        self.style_fields()

    @staticmethod
    def initial_for(note, attendees, *, editor: str) -> dict:
        initial = {name: getattr(note, name) for name in GroupNoteForm.document_fields}
        initial |= {
            "version": note.version,
            "editor": editor,
            "interventions": note.interventions,
            "attendees": [str(attendee.episode.public_id) for attendee in attendees],
        }
        for attendee in attendees:
            prefix = f"s-{attendee.episode.public_id.hex}-"
            initial |= {
                prefix + "participation": attendee.participation,
                prefix + "response": attendee.response,
                prefix + "progress": attendee.progress,
                prefix + "objectives": list(attendee.objectives.all()),
            }
        return initial

    def sections(self) -> list[tuple[object, list]]:
        """(attendee, bound fields of their section) in attendee order, for the template."""
        return [
            (
                attendee,
                [
                    self[prefix + name]
                    for name in ("participation", "response", "progress", "objectives")
                ],
            )
            for attendee, prefix in self.attendee_rows
        ]

    def changes(self) -> dict:
        data = self.cleaned_data
        chosen = [self.eligible[key] for key in data["attendees"]]
        return super().changes() | {
            "attendees": chosen,
            "sections": {
                attendee.episode_id: {
                    "participation": data[prefix + "participation"],
                    "response": data[prefix + "response"],
                    "progress": data[prefix + "progress"],
                    "objectives": list(data[prefix + "objectives"]),
                }
                for attendee, prefix in self.attendee_rows
            },
        }


class NewNoteForm(forms.Form):
    format = forms.ChoiceField(choices=formats.CHOICES)


class NewGroupNoteForm(BootstrapFormMixin, forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=None, empty_label=None, to_field_name="public_id"
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class AddendumForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Addendum"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A correction or later addition. It is signed with your name and the time."),
    )
    attested = forms.BooleanField(label=_("I sign this addendum"), required=False)


class GroupAddendumForm(AddendumForm):
    attendee = forms.ChoiceField(label=_("Adds to"), required=False)

    field_order = ["attendee", "text", "attested"]

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendees = {str(attendee.public_id): attendee for attendee in attendees}
        self.fields["attendee"].choices = [
            ("", _("The shared content (every attendee's chart)")),
            *[
                (key, _("%(name)s's section only") % {"name": attendee.participant.display_name})
                for key, attendee in self.attendees.items()
            ],
        ]
        self.style_fields()

    def chosen_attendee(self):
        return self.attendees.get(self.cleaned_data["attendee"])


class NoteTemplateForm(BootstrapFormMixin, forms.Form):
    """One format's prompts for one program."""

    def __init__(self, *args, spec: formats.NoteFormat, current: formats.NoteFormat, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        for section in spec.sections:
            self.fields[section.key] = forms.CharField(
                label=section.label,
                required=False,
                max_length=formats.PROMPT_MAX_LENGTH,
                initial=current.section(section.key).prompt,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Default: %(prompt)s") % {"prompt": section.prompt},
            )
        self.style_fields()

    def prompts(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in self.spec.keys}


class NotePolicyForm(BootstrapFormMixin, forms.Form):
    flag_after_hours = forms.IntegerField(
        label=_("Flag an unsigned note after (hours)"), min_value=1, max_value=720
    )
    overdue_after_hours = forms.IntegerField(
        label=_("An unsigned note is overdue after (hours)"), min_value=2, max_value=1440
    )
