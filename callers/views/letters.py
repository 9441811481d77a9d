"""Pages for telling a flagged caller in writing: the notice, each letter and its documents,
the office's wording, and the caller's appeal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers.forms.letters import (
    AppealDecisionForm,
    AppealForm,
    LetterheadForm,
    LetterSentForm,
    LetterTemplateForm,
    NoticeForm,
)
from callers.models import (
    Appeal,
    Flag,
    Letter,
    Letterhead,
    LetterLanguage,
    LetterTemplate,
)
from callers.selectors.letters import (
    WORDING_LANGUAGES,
    arrangements_text,
    letter_problems,
    letter_template_changes,
    letterhead_current,
    template_for,
    templates,
)
from callers.services import letters as services
from opcc_calls.documents import (
    DOCX,
    PDF,
    LetterParts,
    docx_bytes,
    pdf_bytes,
)
from opcc_calls.exports import filename
from opcc_calls.history import record_changes
from opcc_calls.permissions import requires


@requires("callers.write_letter")
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the notice to the caller of their contact arrangements, from the office's
    template: a preview of what it will say, then the letter to download and send."""
    flag = get_object_or_404(
        Flag.objects.active().select_related("caller", "single_point_of_contact"), pk=pk
    )
    # "Why" starts empty: the flag's own reason is for staff, and never reaches a caller.
    letterhead = letterhead_current()
    form = NoticeForm(
        request.POST if request.method == "POST" else None,
        initial={"language": flag.caller.letters_in(letterhead.letter_language)},
    )
    language = form.language_chosen()
    template = template_for(Letter.Kind.NOTICE, LetterLanguage.wordings(language)[0])
    problems = letter_problems(flag, Letter.Kind.NOTICE, template, letterhead, language)
    if form.is_valid() and not problems:
        try:
            letter = services.letter_write(
                flag=flag, by=request.user, kind=Letter.Kind.NOTICE, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Notice written: download it, send it, then record it sent.")
            )
            return redirect(letter)
    return render(
        request,
        "callers/letters/notice_form.html",
        {
            "flag": flag,
            "form": form,
            "problems": problems,
            # What stops a notice in any language (not only in the one chosen): no form.
            "blocked": problems and letter_problems(flag, Letter.Kind.NOTICE, template, letterhead),
            "arrangements": arrangements_text(flag, LetterLanguage.wordings(language)[0]),
            "arrangements_lang": "cy" if LetterLanguage.WELSH in language else "en-GB",
        },
    )


LETTERHEAD_CHANGES = {
    "+": _("Letterhead set"),
    "~": _("Letterhead changed"),
    "-": _("Letterhead deleted"),
}
LETTER_CHANGES = {"+": _("Letter written"), "~": _("Letter changed"), "-": _("Letter deleted")}


def _letter(pk: int) -> Letter:
    return get_object_or_404(
        Letter.objects.select_related("flag__caller", "written_by", "sent_by", "appeal"), pk=pk
    )


def _letter_page(request: HttpRequest, letter: Letter, form: LetterSentForm, status: int = 200):
    return render(
        request,
        "callers/letters/letter.html",
        {
            "letter": letter,
            "document": _parts(letter),
            "form": form,
            "changes": record_changes(letter.history.all(), Letter, limit=20, what=LETTER_CHANGES),
        },
        status=status,
    )


@requires("callers.view_letter")
@require_GET
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(pk)
    return _letter_page(request, letter, LetterSentForm(initial={"version": letter.version}))


@requires("callers.write_letter")
@require_POST
def letter_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the letter went to the caller: when, how, and by whom."""
    letter = _letter(pk)
    form = LetterSentForm(request.POST)
    if form.is_valid():
        if form.run(request, services.letter_sent, letter=letter, by=request.user):
            messages.success(request, _("Recorded as sent."))
            return redirect(letter.flag)
        if form.stale:
            return redirect(letter)
    return _letter_page(request, letter, form, status=400)


def _parts(letter: Letter, *, large: bool = False) -> LetterParts:
    """The letter as its documents print it (the page shows the same)."""
    caller = letter.flag.caller
    versions = letter.versions
    return LetterParts(
        letterhead=letter.letterhead,
        recipient=[caller.full_name, *caller.postal_address.splitlines()],
        dated=timezone.localdate(letter.written_at),
        subject=letter.subject,
        paragraphs=letter.paragraphs,
        office=letter.letterhead.split("\n", 1)[0],
        reference=letter.reference,
        large=large,
        language=letter.language,
        english=(versions[1][1], versions[1][2]) if len(versions) > 1 else None,
    )


@requires("callers.view_letter")
@require_GET
def letter_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The letter as a Word document the office can still edit, or as a tagged PDF; in large
    print when asked (`?print=large`), or by default when the caller's adjustments ask."""
    letter = _letter(pk)
    caller = letter.flag.caller
    large = request.GET.get("print", "large" if caller.large_print else "standard") == "large"
    parts = _parts(letter, large=large)
    content, content_type = (docx_bytes(parts), DOCX) if kind == "docx" else (pdf_bytes(parts), PDF)
    response = HttpResponse(content, content_type=content_type)
    name = filename(f"letter-{letter.pk}{'-large-print' if large else ''}", kind, letter.written_at)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires("callers.change_lettertemplate")
@require_GET
def letter_templates(request: HttpRequest) -> HttpResponse:
    """The office's wording for each letter to a flagged caller, and its letterhead."""
    return render(
        request,
        "callers/letters/letter_templates.html",
        {
            "templates": templates(),
            "placeholders": LetterTemplate.PLACEHOLDERS,
            "letterhead": letterhead_current(),
        },
    )


@requires("callers.change_letterhead")
@require_http_methods(["GET", "POST"])
def letterhead(request: HttpRequest) -> HttpResponse:
    """The office's name, address, telephone, email and website, as every letter gives them."""
    current = letterhead_current()
    form = LetterheadForm(
        request.POST or None, instance=current, initial={"version": current.version}
    )
    if form.is_valid():
        if form.run(request, services.letterhead_save, by=request.user):
            messages.success(
                request, _("Letterhead saved: every letter written from now on has it.")
            )
            return redirect("callers:letter_templates")
        if form.stale:
            return redirect("callers:letterhead")
    return render(
        request,
        "callers/letters/letterhead.html",
        {
            "form": form,
            "letterhead": current,
            "changes": record_changes(
                current.history.all(), Letterhead, limit=20, what=LETTERHEAD_CHANGES
            )
            if current.pk
            else [],
        },
    )


@requires("callers.change_lettertemplate")
@require_http_methods(["GET", "POST"])
def letter_template(request: HttpRequest, kind: str) -> HttpResponse:
    """One letter's wording in one language (?language=cy: the Welsh)."""
    language = request.GET.get("language", LetterLanguage.ENGLISH)
    if kind not in LetterTemplate.Kind.values or language not in WORDING_LANGUAGES:
        raise Http404
    template = template_for(kind, language)
    form = LetterTemplateForm(
        request.POST or None, initial=LetterTemplateForm.initial_for(template)
    )
    for name in ("subject", "body"):  # the wording is in its own language, whatever the page's
        form.fields[name].widget.attrs["lang"] = "cy" if language == "cy" else "en-GB"
    if form.is_valid():
        saving = {"kind": kind, "language": language, "by": request.user}
        if form.run(request, services.letter_template_save, **saving):
            messages.success(request, _("Wording saved: %(wording)s.") % {"wording": template})
            return redirect("callers:letter_templates")
        if form.stale:
            return redirect(request.get_full_path())
    return render(
        request,
        "callers/letters/letter_template.html",
        {
            "template": template,
            "form": form,
            "placeholders": LetterTemplate.PLACEHOLDERS,
            "changes": letter_template_changes(template),
        },
    )


@requires("callers.add_appeal")
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a caller's appeal against their contact arrangements."""
    flag = get_object_or_404(Flag.objects.active().select_related("caller"), pk=pk)
    form = AppealForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            appeal = services.appeal_record(flag=flag, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Appeal recorded: a manager who did not make the flag will decide it.")
            )
            return redirect(appeal)
    return render(request, "callers/letters/appeal_form.html", {"flag": flag, "form": form})


def _appeal_page(request: HttpRequest, appeal: Appeal, form=None, status: int = 200):
    may_decide = appeal.can_be_decided_by(request.user)
    if form is None and may_decide and appeal.is_waiting:
        flag = appeal.flag
        form = AppealDecisionForm(
            initial={
                "version": appeal.version,
                "single_point_of_contact": flag.single_point_of_contact_id,
                "contact_times": flag.contact_times,
                "written_contact_only": flag.written_contact_only,
            }
        )
    return render(
        request,
        "callers/letters/appeal.html",
        {
            "appeal": appeal,
            "form": form,
            "may_decide": may_decide,
            # Said before the manager decides: the letter of outcome goes with the decision.
            "before_deciding": _before_deciding(appeal) if form is not None else [],
            "letters": appeal.letters.all(),
            "changes": record_changes(
                appeal.history.all(),
                Appeal,
                limit=20,
                what={
                    "+": _("Appeal recorded"),
                    "~": _("Appeal changed"),
                    "-": _("Appeal deleted"),
                },
            ),
        },
        status=status,
    )


def _before_deciding(appeal: Appeal) -> list[str]:
    """What stops the letter of outcome, said before the manager decides (it goes with the
    decision), in the language the caller's letters are in."""
    letterhead = letterhead_current()
    language = appeal.flag.caller.letters_in(letterhead.letter_language)
    kind = Letter.Kind.APPEAL_NOT_UPHELD
    template = template_for(kind, LetterLanguage.wordings(language)[0])
    return letter_problems(appeal.flag, kind, template, letterhead, language)


def _appeal(pk: int) -> Appeal:
    return get_object_or_404(
        Appeal.objects.select_related(
            "flag__caller",
            "flag__flagged_by",
            "flag__single_point_of_contact",
            "recorded_by",
            "decided_by",
        ),
        pk=pk,
    )


@requires("callers.view_appeal")
@require_GET
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _appeal_page(request, _appeal(pk))


@requires("callers.decide_appeal")
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide an appeal: only a manager who did not make the flag may."""
    appeal = _appeal(pk)
    if not appeal.can_be_decided_by(request.user):
        raise PermissionDenied(_("You made this flag: another manager must decide the appeal."))
    form = AppealDecisionForm(request.POST)
    if form.is_valid():
        if form.run(request, services.appeal_decide, appeal=appeal, by=request.user):
            messages.success(
                request,
                _("Appeal decided. The letter of outcome is written: download and send it."),
            )
            return redirect(appeal)
        if form.stale:
            return redirect(appeal)
    return _appeal_page(request, appeal, form, status=400)
