from django.apps import AppConfig


class DmtsConfig(AppConfig):
    name = "dmts"
    verbose_name = "DMTS call log"

    def ready(self) -> None:
        """dmts builds on callers: it listens for calls logged there (each gets its entry),
        tells callers' counts which calls were logged in error (voided entries), and adds its
        entries to what the retention schedule disposes of."""
        # Models can only be imported once the app registry is ready.
        from callers.models import REMOVED, Call, RetentionRule
        from callers.models.calls import counted_leaves_out
        from callers.selectors.data_protection import Part, retention_part_add
        from callers.services.calls import call_logged
        from dmts.models import DmtsEntry
        from dmts.services.entries import entry_for_logged_call

        call_logged.connect(entry_for_logged_call, dispatch_uid="dmts.entry_for_logged_call")
        counted_leaves_out(DmtsEntry.objects.filter(voided=True))
        retention_part_add(
            RetentionRule.Kind.CALLS,
            Part(DmtsEntry, "call__caller", {"compliance_notes": "", "void_reason": REMOVED}),
            before=Call,
        )
