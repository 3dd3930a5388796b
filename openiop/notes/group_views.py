"""Group note pages: start, write (one page for every attendee), sign, co-sign, addenda; and one
attendee's view of a signed group note (shared content and their own section only)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openiop.audit.models import AuditAction
from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.notes import access as note_access
from openiop.notes import group_services, selectors
from openiop.notes.forms import GroupAddendumForm, GroupNoteForm, NewGroupNoteForm
from openiop.notes.models import new_editor_token
from openiop.notes.views import autosave_response
from openiop.participants import access
from openiop.participants.selectors import chart_context
from openiop.programs.selectors import programs_for

VIEW = ("participants.view_participant", "notes.view_groupnote")
WRITE = ("participants.view_participant", "notes.add_groupnote")


@requires(*WRITE)
def group_new(request):
    form = NewGroupNoteForm(request.POST or None, programs=programs_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            note = group_services.group_note_create(
                actor=request.user, program=form.cleaned_data["program"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("notes:group_edit", public_id=note.public_id)
    return render(request, "notes/group_new.html", {"nav": "notes_mine", "form": form})


@require_POST
@requires(*WRITE, "scheduling.view_session")
def group_from_session(request, public_id):
    """Start a group note from a session: its program, date, times, topic and delivery, and as
    attendees those the roster marks as attended (everyone expected, before attendance is
    recorded) whom the facilitator may write about."""
    from openiop.scheduling.access import access_session_roster
    from openiop.scheduling.selectors import session_roster

    session = access_session_roster(request.user, public_id)
    rows = session_roster(session)
    recorded = [row for row in rows if row.record is not None]
    attended = (
        [row.episode for row in recorded if row.record.is_attended]
        if recorded
        else [row.episode for row in rows]
    )
    eligible = set(
        selectors.eligible_attendees(request.user, session.program).values_list("pk", flat=True)
    )
    attendees = [episode for episode in attended if episode.pk in eligible]
    note = group_services.group_note_create(
        actor=request.user,
        program=session.program,
        attendees=attendees,
        service_on=session.held_on,
        topic=session.get_topic_display() if session.topic else "",
        start_time=session.start_time,
        end_time=session.end_time,
        delivery="telehealth_video" if session.is_virtual else "in_person",
        location=session.room.name if session.room else "",
    )
    left_out = len(attended) - len(attendees)
    if left_out:
        messages.warning(
            request,
            _(
                "%(count)s attendee(s) are not in your scope and were left out; "
                "their own clinician documents their participation."
            )
            % {"count": left_out},
        )
    return redirect("notes:group_edit", public_id=note.public_id)


def _group_form(request, note, attendees, data=None):
    objectives = {a.episode_id: selectors.objective_choices(a.episode, a) for a in attendees}
    initial = None
    if data is None:
        initial = GroupNoteForm.initial_for(note, attendees, editor=new_editor_token())
    return GroupNoteForm(
        data,
        initial=initial,
        eligible=list(selectors.eligible_attendees(request.user, note.program)),
        attendees=attendees,
        objectives_by_episode=objectives,
    )


def _read_action(request):
    return AuditAction.PARTICIPANT_VIEWED if request.method == "GET" else None


@requires(*WRITE)
def group_edit(request, public_id):
    note = note_access.access_group_note(request.user, public_id, action=_read_action(request))
    if note.is_signed:
        return redirect("notes:group_detail", public_id=note.public_id)
    attendees = selectors.group_note_attendees(note)
    form = _group_form(request, note, attendees, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "save")
        service = (
            group_services.group_note_sign if action == "sign" else group_services.group_note_save
        )
        try:
            note = service(
                actor=request.user,
                group_note=note,
                version=form.cleaned_data["version"],
                editor=form.cleaned_data["editor"],
                **form.changes(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if action == "sign":
                messages.success(
                    request, _("Group note signed: each attendee's chart now shows it.")
                )
                return redirect("notes:group_detail", public_id=note.public_id)
            messages.success(request, _("Draft saved."))
            return redirect("notes:group_edit", public_id=note.public_id)
    if request.method == "POST":  # re-shown with errors: still a read of each section
        for attendee in attendees:
            access.record_view(request.user, attendee.participant, note)
    return render(
        request,
        "notes/group_editor.html",
        {
            "nav": "notes_mine",
            "note": note,
            "form": form,
            "warnings": selectors.name_warnings(note, attendees),
        },
    )


@require_POST
@requires(*WRITE)
def group_autosave(request, public_id):
    """htmx: save as typed. When the attendee list changed, also answers the new sections."""
    note = note_access.access_group_note(request.user, public_id, action=None)
    before = selectors.group_note_attendees(note)
    form = _group_form(request, note, before, request.POST)

    def extra(saved):
        if saved is None:
            return {}
        attendees = selectors.group_note_attendees(saved)
        result = {"warnings": selectors.name_warnings(saved, attendees), "group": True}
        if [a.pk for a in attendees] != [a.pk for a in before]:
            fresh = _group_form(request, saved, attendees, request.POST)
            result["sections_html"] = render_to_string(
                "notes/_group_sections.html", {"form": fresh, "oob": True}, request=request
            )
        return result

    return autosave_response(
        request,
        form,
        lambda changes: group_services.group_note_save(
            actor=request.user,
            group_note=note,
            version=form.cleaned_data["version"],
            editor=form.cleaned_data["editor"],
            **changes,
        ),
        extra,
    )


@require_POST
@requires(*WRITE)
def group_discard(request, public_id):
    note = note_access.access_group_note(request.user, public_id, action=None)
    try:
        group_services.group_note_discard(
            actor=request.user,
            group_note=note,
            version=int(request.POST.get("version", 0)),
            editor=request.POST.get("editor", "")[:32],
        )
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("notes:group_edit", public_id=note.public_id)
    messages.success(request, _("Draft discarded."))
    return redirect("notes:mine")


def _detail(request, note, addendum_form=None):
    attendees = selectors.group_note_attendees(note)
    return render(
        request,
        "notes/group_detail.html",
        {
            "nav": "notes_mine",
            "note": note,
            "attendees": attendees,
            "addenda": selectors.group_addenda(note),
            "cosignature": getattr(note, "cosignature", None) if note.cosigner_id else None,
            "addendum_form": addendum_form or GroupAddendumForm(attendees=attendees),
            "can_cosign": note.cosigner_id == request.user.pk,
            "can_add": request.user.has_perm("notes.add_groupnote"),
        },
    )


@require_GET
@requires(*VIEW)
def group_detail(request, public_id):
    """The whole signed group note: every attendee's section (facilitator, co-signer, and
    those who have every attendee in scope)."""
    note = note_access.access_group_note(request.user, public_id)
    if not note.is_signed:
        return redirect("notes:group_edit", public_id=note.public_id)
    return _detail(request, note)


@require_POST
@requires(*WRITE)
def group_cosign(request, public_id):
    note = note_access.access_group_note(request.user, public_id, action=None)
    try:
        group_services.group_note_cosign(actor=request.user, group_note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Group note co-signed."))
    return redirect("notes:group_detail", public_id=note.public_id)


@require_POST
@requires(*WRITE)
def group_addendum(request, public_id):
    note = note_access.access_group_note(request.user, public_id, action=None)
    form = GroupAddendumForm(request.POST, attendees=selectors.group_note_attendees(note))
    if not form.is_valid():
        raise Http404
    try:
        group_services.group_note_add_addendum(
            actor=request.user,
            group_note=note,
            text=form.cleaned_data["text"],
            attested=form.cleaned_data["attested"],
            attendee=form.chosen_attendee(),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        for attendee in selectors.group_note_attendees(note):
            access.record_view(request.user, attendee.participant, note)
        return _detail(request, note, addendum_form=form)
    messages.success(request, _("Addendum signed and added."))
    return redirect("notes:group_detail", public_id=note.public_id)


def _section_context(section) -> dict:
    note = section.group_note
    return {
        "section": section,
        "note": note,
        "objectives": list(section.objectives.all()),
        "addenda": selectors.section_addenda(section),
        "cosignature": getattr(note, "cosignature", None) if note.cosigner_id else None,
    }


@require_GET
@requires(*VIEW)
def section(request, public_id):
    """One attendee's view of a signed group note: shared content and their own section."""
    section = note_access.access_attendee_section(request.user, public_id)
    context = chart_context(request.user, section.participant, tab="notes")
    context.update(_section_context(section))
    return render(request, "notes/section.html", context)


@require_GET
@requires(*VIEW)
def section_print(request, public_id):
    section = note_access.access_attendee_section(request.user, public_id)
    return render(request, "notes/section_print.html", _section_context(section))
