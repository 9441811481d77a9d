import re
from collections.abc import Callable
from typing import TypeVar

from allauth.account.forms import LoginForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from opcc_calls.concurrency import StaleEdit
from opcc_calls.models import Procedure, SecurityPolicy, User

T = TypeVar("T")

#: A record's id as it may appear in a form or a URL: ASCII digits that fit a database key.
RECORD_ID = re.compile(r"^[0-9]{1,18}\Z")

#: As long as a username can be (and no longer: a longer one never reaches the lockout log).
USERNAME_MAX_LENGTH = 150


class SignInForm(LoginForm):
    """The first step: username and password, with the browser hints a password manager and a
    screen reader use."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username")
        self.fields["login"].max_length = USERNAME_MAX_LENGTH
        self.fields["login"].widget.attrs.update(
            {
                "autocomplete": "username",
                "maxlength": USERNAME_MAX_LENGTH,
                "placeholder": "",
                "autofocus": True,
            }
        )
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password", "placeholder": ""}
        )
        # The page links to a password reset under the form: not a second link in the help.
        self.fields["password"].help_text = ""


def account_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """What django-axes counts failed sign-ins against: the account, not the string typed.
    Sign-in finds an account whatever the case of its username, so LOCKTEST is locktest's
    lock too; a name no account has is counted in lower case, however it is typed."""
    typed = (credentials or {}).get("username") or request.POST.get("login") or ""
    typed = str(typed)[:USERNAME_MAX_LENGTH]
    account = User.objects.filter(username__iexact=typed).values_list("username", flat=True)
    return account.first() or typed.lower()


class SecondFactorForm(AuthenticateForm):
    """The second step: a code from the authenticator app or a recovery code. A wrong code
    counts towards the same lockout as a wrong password (django-axes, shared by every server),
    and a locked account is refused even with the right code."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autofocus": True, "inputmode": "numeric", "placeholder": "", "maxlength": 20}
        )

    def clean_code(self) -> str:
        request, credentials = self._request(), {"username": self.user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            raise forms.ValidationError(LOCKED, code="locked")
        try:
            return super().clean_code()
        except forms.ValidationError:
            user_login_failed.send(sender=type(self), credentials=credentials, request=request)
            if AxesProxyHandler.is_locked(request, credentials):
                raise forms.ValidationError(LOCKED, code="locked") from None
            raise

    @staticmethod
    def _request():
        request = context.request
        AxesProxyHandler.update_request(request)
        return request


LOCKED = _(
    "There have been too many failed attempts to sign in to this account, so it is locked "
    "for a while. Try again later, or ask a manager to unlock it."
)
#: What the forms' records are called in `stale_message` (each form's `record_name`), for the
#: translation catalogue.
RECORD_NAMES = (
    gettext_noop("record"),
    gettext_noop("flag"),
    gettext_noop("caller"),
    gettext_noop("request"),
    gettext_noop("letterhead"),
    gettext_noop("letter"),
    gettext_noop("letter template"),
    gettext_noop("appeal"),
    gettext_noop("concern"),
    gettext_noop("referral"),
    gettext_noop("meeting"),
    gettext_noop("follow-up"),
    gettext_noop("entry"),
)


class RadioSelect(forms.RadioSelect):
    """Radio buttons that ask for an answer: never Django's blank "---------" choice (added to
    a model field's choices when it has no default), so nothing is chosen until someone
    chooses."""

    def optgroups(self, name, value, attrs=None):
        groups = []
        for group, options, index in super().optgroups(name, value, attrs):
            options = [option for option in options if option["value"] != ""]
            if options:
                groups.append((group, options, index))
        return groups


#: How dates and times are written in and shown on every form: the British way, whatever the
#: browser's own locale (a browser's date picker shows 11/30/2026 when set to the US). ISO
#: dates are still accepted (Django always accepts them), so old links and scripts work.
DATE_FORMAT, TIME_FORMAT = "%d/%m/%Y", "%H:%M"
DATETIME_FORMAT = f"{DATE_FORMAT} {TIME_FORMAT}"


def _typed(hint: str, attrs: dict | None) -> dict:
    return {"autocomplete": "off", "placeholder": hint, "spellcheck": "false", **(attrs or {})}


class DateInput(forms.DateInput):
    """A date typed the British way (30/11/2026), one for every date field."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(_typed("dd/mm/yyyy", attrs), format=DATE_FORMAT)


class TimeInput(forms.TimeInput):
    """A time on the 24-hour clock (14:05), never the browser's AM/PM."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            _typed("hh:mm", {"inputmode": "numeric", **(attrs or {})}), format=TIME_FORMAT
        )


class DateTimeInput(forms.DateTimeInput):
    """A date and time typed the British way (30/11/2026 14:05)."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(_typed("dd/mm/yyyy hh:mm", attrs), format=DATETIME_FORMAT)


class HiddenInput(forms.HiddenInput):
    """A value the page carries back (a version, a token): no id, as no label points at it,
    so a page with several forms keeps every id its own."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"id": False, **(attrs or {})})


class VersionForm(forms.Form):
    """A form for a record two people may edit at once. It carries the version the record had
    when the form was opened; the service refuses the save (`StaleEdit`) if someone saved in
    between, and the page says so with `stale_message` instead of overwriting their change.
    Works as the first base of a ModelForm too, taking the version from the instance."""

    version = forms.IntegerField(widget=HiddenInput)
    record_name = "record"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.initial.setdefault("version", instance.version)

    #: Set by `run` when someone else saved first: the page shows the record as it is now.
    stale = False

    @property
    def stale_message(self) -> str:
        return _(
            "Someone else changed this %(record)s while you had it open. Their changes are "
            "shown below: check them and make yours again."
        ) % {"record": gettext(self.record_name)}

    def service_arguments(self) -> dict[str, object]:
        """What the form gives the service that saves it: its cleaned data, unless it says."""
        return dict(self.cleaned_data)

    def run(self, request: HttpRequest, service: Callable[..., T], **arguments: object) -> T | None:
        """Give the service what this (valid) form holds, besides `arguments`, and answer the
        two ways it refuses: someone else saved first (StaleEdit: said as a message, and
        `stale` set, so the view shows the record as it is now), or a rule is broken
        (ValidationError: beside the form). Returns what the service returned, or None."""
        try:
            return service(**arguments, **self.service_arguments())
        except StaleEdit:
            self.stale = True
            messages.error(request, self.stale_message)
        except ValidationError as error:
            self.add_error(None, error)
        return None


class SecurityPolicyForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        help_text=_("Kept with the change in the policy's history."),
        error_messages={"required": _("Say why, for the record.")},
    )

    class Meta:
        model = SecurityPolicy
        fields = ["require_second_factor"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        error_messages={"required": _("Say why, for the record.")},
    )


class ListedChoiceIterator(ModelChoiceIterator):
    """A form's choice of records read in one plain query. Django's own iterator reads them
    through a server-side cursor, which on PostgreSQL is three round trips (declare, fetch,
    close) for a list of a few dozen people, on every page that shows the list."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for record in self.queryset:
            yield self.choice(record)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


class ProcedureForm(forms.ModelForm):
    """A new version of the procedure: its text, number, review date and what changed."""

    class Meta:
        model = Procedure
        fields = ["version", "text", "changes", "review_date"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 20}),
            "changes": forms.Textarea(attrs={"rows": 3}),
            "review_date": DateInput(),
        }
        help_texts = {
            "version": _("For example 1.1: each version is published once."),
            "changes": _("What changed and in which sections: the procedure's revision history."),
        }


def staff() -> QuerySet:
    """Everyone on the team (active, with a role): who may own a follow-up, or be a caller's
    single point of contact."""
    return get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct()
