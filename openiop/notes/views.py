"""Progress note pages, the chart's notes tab, the queues and the note settings. Group note
pages: group_views.py. Views parse, call one service or selector, and render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record_listing
from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.notes import access as note_access
from openiop.notes import formats, selectors, services
from openiop.notes.forms import (
    AddendumForm,
    NewNoteForm,
    NotePolicyForm,
    NoteTemplateForm,
    ProgressNoteForm,
)
from openiop.notes.models import NotePolicy, new_editor_token
from openiop.participants import access
from openiop.participants.selectors import chart_context
from openiop.programs.selectors import programs_for

VIEW = ("participants.view_participant", "notes.view_progressnote")
WRITE = ("participants.view_participant", "notes.add_progressnote")


def _read_action(request):
    """GET pages audit a read; POSTs leave it to the service (or record_view on re-render)."""
    return AuditAction.PARTICIPANT_VIEWED if request.method == "GET" else None


@require_GET
@requires(*VIEW)
def chart_tab(request, public_id):
    participant = access.access_participant(request.user, public_id)
    context = chart_context(request.user, participant, tab="notes")
    context.update(
        rows=selectors.chart_notes(participant, request.user),
        can_write=request.user.has_perm("notes.add_progressnote")
        and access.open_episode_in_scope(request.user, participant) is not None,
        formats=formats.FORMATS.values(),
    )
    return render(request, "notes/chart_tab.html", context)


@require_POST
@requires(*WRITE)
def note_new(request, public_id):
    participant = access.access_participant(request.user, public_id, action=None)
    form = NewNoteForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        note = services.progress_note_create(
            actor=request.user,
            participant=participant,
            episode=access.open_episode_in_scope(request.user, participant),
            format=form.cleaned_data["format"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("notes:chart_tab", public_id=participant.public_id)
    return redirect("notes:edit", public_id=note.public_id)


def _editor_form(note, data=None):
    return ProgressNoteForm(
        data,
        initial=None
        if data is not None
        else ProgressNoteForm.initial_for(note, editor=new_editor_token()),
        spec=selectors.note_format(note.episode.program, note.format),
        objectives=selectors.objective_choices(note.episode, note),
    )


@requires(*WRITE)
def note_edit(request, public_id):
    note = note_access.access_progress_note(request.user, public_id, action=_read_action(request))
    if note.is_signed:
        return redirect("notes:detail", public_id=note.public_id)
    form = _editor_form(note, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        signing = request.POST.get("action") == "sign"
        service = services.progress_note_sign if signing else services.progress_note_save
        try:
            note = service(
                actor=request.user,
                note=note,
                version=form.cleaned_data["version"],
                editor=form.cleaned_data["editor"],
                **form.changes(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not signing:
                messages.success(request, _("Draft saved."))
                return redirect("notes:edit", public_id=note.public_id)
            messages.success(request, _("Note signed."))
            if note.cosigner_id:
                messages.info(
                    request,
                    _("It now waits for %(name)s's co-signature.") % {"name": note.cosigner},
                )
            return redirect("notes:detail", public_id=note.public_id)
    if request.method == "POST":  # re-shown with errors: still a read
        access.record_view(request.user, note.participant, note)
    context = chart_context(request.user, note.participant, tab="notes")
    context.update(note=note, form=form)
    return render(request, "notes/editor.html", context)


@require_POST
@requires(*WRITE)
def note_autosave(request, public_id):
    """htmx: save the draft as typed; answers a status line and the new version."""
    note = note_access.access_progress_note(request.user, public_id, action=None)
    form = _editor_form(note, request.POST)
    return autosave_response(
        request,
        form,
        lambda changes: services.progress_note_save(
            actor=request.user,
            note=note,
            version=form.cleaned_data["version"],
            editor=form.cleaned_data["editor"],
            **changes,
        ),
    )


def autosave_response(request, form, save, extra=None):
    """Run ``save(changes)`` for a valid form and render the status fragment."""
    context = {"saved": None, "problems": []}
    if not form.is_valid():
        context["problems"] = [
            f"{form[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
            for name, errors in form.errors.items()
        ]
    else:
        try:
            context["saved"] = save(form.changes())
        except ValidationError as error:
            context["conflict"] = getattr(error, "code", None) == "conflict"
            context["problems"] = error.messages
    if extra is not None:
        context.update(extra(context["saved"]))
    context["now"] = timezone.localtime()
    return render(request, "notes/_autosave_status.html", context)


@require_POST
@requires(*WRITE)
def note_discard(request, public_id):
    note = note_access.access_progress_note(request.user, public_id, action=None)
    try:
        services.progress_note_discard(
            actor=request.user,
            note=note,
            version=int(request.POST.get("version", 0)),
            editor=request.POST.get("editor", "")[:32],
        )
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("notes:edit", public_id=note.public_id)
    messages.success(request, _("Draft discarded."))
    return redirect("notes:chart_tab", public_id=note.participant.public_id)


def _detail(request, note, addendum_form=None, status=200):
    note = selectors.progress_note_detail(note)
    context = chart_context(request.user, note.participant, tab="notes")
    context.update(
        note=note,
        addendum_form=addendum_form or AddendumForm(),
        can_cosign=note.cosigner_id == request.user.pk and not hasattr(note, "cosignature"),
        can_add=request.user.has_perm("notes.add_progressnote"),
    )
    return render(request, "notes/detail.html", context, status=status)


@require_GET
@requires(*VIEW)
def note_detail(request, public_id):
    note = note_access.access_progress_note(request.user, public_id)
    if not note.is_signed:
        return redirect("notes:edit", public_id=note.public_id)
    return _detail(request, note)


@require_GET
@requires(*VIEW)
def note_print(request, public_id):
    note = note_access.access_progress_note(request.user, public_id)
    if not note.is_signed:
        raise Http404
    return render(request, "notes/print.html", {"note": selectors.progress_note_detail(note)})


@require_POST
@requires(*WRITE)
def note_cosign(request, public_id):
    note = note_access.access_progress_note(request.user, public_id, action=None)
    try:
        services.progress_note_cosign(actor=request.user, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Note co-signed."))
    return redirect("notes:detail", public_id=note.public_id)


@require_POST
@requires(*WRITE)
def note_addendum(request, public_id):
    note = note_access.access_progress_note(request.user, public_id, action=None)
    form = AddendumForm(request.POST)
    form.is_valid()
    try:
        services.progress_note_add_addendum(
            actor=request.user,
            note=note,
            text=form.cleaned_data.get("text", ""),
            attested=form.cleaned_data.get("attested", False),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        access.record_view(request.user, note.participant, note)
        return _detail(request, note, addendum_form=form)
    messages.success(request, _("Addendum signed and added."))
    return redirect("notes:detail", public_id=note.public_id)


# --- Queues --------------------------------------------------------------------------------


def _audit_listing(user, rows) -> None:
    participants = {
        row.document.participant_id: row.document.participant
        for row in rows
        if row.kind == "progress"
    }
    audit_record_listing(
        actor=user, participants=participants.values(), category=DataCategory.SUD_RECORD
    )


@require_GET
@requires(*WRITE)
def mine(request):
    """My unsigned notes, oldest first, with their age; and my notes awaiting co-signature."""
    rows = selectors.unsigned_for(request.user, timezone.now())
    waiting = list(selectors.my_signed_awaiting_cosignature(request.user))
    _audit_listing(request.user, rows)
    audit_record_listing(
        actor=request.user,
        participants={note.participant_id: note.participant for note in waiting}.values(),
        category=DataCategory.SUD_RECORD,
    )
    return render(
        request,
        "notes/mine.html",
        {
            "nav": "notes_mine",
            "rows": rows,
            "waiting": waiting,
            "can_group": request.user.has_perm("notes.add_groupnote"),
        },
    )


@require_GET
@requires(*WRITE)
def cosign_queue(request):
    """Notes naming me as the supervisor who must co-sign them, oldest signature first."""
    rows = selectors.awaiting_my_cosignature(request.user, timezone.now())
    _audit_listing(request.user, rows)
    return render(request, "notes/cosign_queue.html", {"nav": "notes_cosign", "rows": rows})


# --- Settings ------------------------------------------------------------------------------


@requires("notes.change_notetemplate")
def note_settings(request):
    """A director edits each program's prompts per format and its timeliness thresholds."""
    programs = list(programs_for(request.user))
    if not programs:
        raise Http404
    program = next(
        (p for p in programs if str(p.public_id) == request.GET.get("program", "")), programs[0]
    )
    templates = selectors.templates_for(program)
    policy = NotePolicy.objects.filter(program=program).first() or NotePolicy(program=program)
    template_forms = {
        code: NoteTemplateForm(prefix=code, spec=formats.FORMATS[code], current=current)
        for code, current in templates.items()
    }
    policy_form = NotePolicyForm(
        initial={
            "flag_after_hours": policy.flag_after_hours,
            "overdue_after_hours": policy.overdue_after_hours,
        }
    )
    if request.method == "POST":
        code = request.POST.get("format", "")
        try:
            if code == "policy":
                policy_form = NotePolicyForm(request.POST)
                if policy_form.is_valid():
                    services.note_policy_update(
                        actor=request.user, program=program, **policy_form.cleaned_data
                    )
                    messages.success(request, _("Timeliness saved for %(p)s.") % {"p": program})
                    return redirect(f"{request.path}?program={program.public_id}")
            elif code in template_forms:
                form = NoteTemplateForm(
                    request.POST, prefix=code, spec=formats.FORMATS[code], current=templates[code]
                )
                template_forms[code] = form
                if form.is_valid():
                    services.note_template_update(
                        actor=request.user, program=program, format=code, prompts=form.prompts()
                    )
                    messages.success(
                        request,
                        _("%(format)s prompts saved for %(p)s.")
                        % {"format": formats.FORMATS[code].name, "p": program},
                    )
                    return redirect(f"{request.path}?program={program.public_id}")
            else:
                raise Http404
        except ValidationError as error:
            add_service_errors(policy_form if code == "policy" else template_forms[code], error)
    return render(
        request,
        "notes/settings.html",
        {
            "nav": "note_settings",
            "programs": programs,
            "program": program,
            "template_forms": [
                (formats.FORMATS[code], form) for code, form in template_forms.items()
            ],
            "policy_form": policy_form,
        },
    )
