from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form with the browser hints a password manager and a screen reader use."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password"}
        )


class DateInput(forms.DateInput):
    """The browser's own date picker, one for every date field: ISO dates in and out."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class VersionForm(forms.Form):
    """A form for a record two people may edit at once. It carries the version the record had
    when the form was opened; the service refuses the save (`StaleEdit`) if someone saved in
    between, and the page says so with `stale_message` instead of overwriting their change.
    Works as the first base of a ModelForm too, taking the version from the instance."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    record_name = "record"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.initial.setdefault("version", instance.version)

    @property
    def stale_message(self) -> str:
        return (
            f"Someone else changed this {self.record_name} while you had it open. Their "
            "changes are shown below: check them and make yours again."
        )
