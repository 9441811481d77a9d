"""Duplicate callers, retention and subject access."""

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from callers.models import (
    REMOVED,
    Appeal,
    Call,
    Caller,
    CallerActivity,
    CallerMerge,
    CallerPhone,
    Concern,
    DisposalLog,
    Flag,
    FollowUp,
    Letter,
    Referral,
    RetentionRule,
    SubjectAccessResponse,
)
from callers.selectors.data_protection import duplicate_suggestions, retention_plan
from callers.services.activity import caller_activity_refresh
from callers.services.calls import caller_update
from callers.services.contact_requests import contact_request_decide
from callers.services.data_protection import callers_merge, legal_hold_set, retention_apply
from callers.services.flags import (
    flag_change_arrangements,
    flag_change_response,
    flag_end,
    flag_renew,
)
from callers.services.follow_ups import follow_up_add, follow_up_done
from callers.services.letters import appeal_decide, appeal_record, letter_sent, letter_write
from callers.services.meetings import meeting_decide, meeting_open
from callers.services.safeguarding import (
    concern_decide,
    concern_raise,
    referral_outcome,
    referral_record,
)
from callers.services.subject_access import (
    subject_access_extend,
    subject_access_request_log,
    subject_access_response_request,
)
from dmts.services.entries import call_correct, entry_review, entry_void
from opcc_calls.roles import Role
from tests.factories import (
    CallerFactory,
    CallerPhoneFactory,
    CallFactory,
    StaffContactFactory,
    UserFactory,
)
from tests.helpers import (
    flag,
    log_call,
    office_letterhead,
    queries,
    run_background_tasks,
)

pytestmark = pytest.mark.django_db


class TestDuplicates:
    def test_suggests_shared_numbers_and_the_same_name(self):
        a = CallerPhoneFactory(number="+441234567890").caller
        b = CallerPhoneFactory(number="+441234567890").caller
        c, d = CallerFactory(full_name="Jane Doe"), CallerFactory(full_name="jane doe")
        CallerFactory(full_name="Someone Else")
        found = {(s.first.pk, s.second.pk): s.why for s in duplicate_suggestions()}
        assert found == {
            (a.pk, b.pk): "They share a phone number",
            (c.pk, d.pk): "They have the same name",
        }

    def test_a_merge_moves_everything_and_is_in_both_histories(self, compliance_user, manager_user):
        survivor = CallerPhoneFactory(number="+441234567890").caller
        merged = CallerPhoneFactory(number="+442079460001").caller
        CallerPhone.objects.create(caller=merged, number="+441234567890")
        CallFactory.create_batch(2, caller=survivor)
        CallFactory.create_batch(3, caller=merged)
        concern = concern_raise(caller=merged, by=manager_user, kind="other", noticed="x")
        merged_flag = flag(merged, manager_user)
        callers_merge(survivor=survivor, merged=merged, by=compliance_user)
        run_background_tasks()  # the recount after a merge runs in the background
        assert Call.objects.filter(caller=survivor).count() == 5
        assert sorted(str(p.number) for p in survivor.phones.all()) == [
            "+441234567890",
            "+442079460001",
        ]
        concern.refresh_from_db()
        merged_flag.refresh_from_db()
        assert concern.caller == survivor and merged_flag.caller == survivor
        merged.refresh_from_db()
        assert merged.merged_into == survivor
        assert merged.full_name in Caller.objects.get(pk=survivor.pk).other_names
        assert survivor.history.first().history_change_reason.startswith(
            f"Merged in caller {merged.reference}"
        )
        assert merged.history.first().history_change_reason.startswith(
            f"Merged into caller {survivor.reference}"
        )
        assert CallerActivity.objects.get(caller=survivor).calls_total == 5
        assert (
            Call.history.filter(
                caller_id=survivor.pk, history_change_reason__startswith="Merged caller"
            ).count()
            == 3
        )
        assert CallerMerge.objects.get().moved["calls"] == 3

    def test_merged_callers_leave_searches(self, compliance_user, handler_client):
        survivor, merged = (
            CallerFactory(full_name="Ann Example"),
            CallerFactory(full_name="Anne Example"),
        )
        callers_merge(survivor=survivor, merged=merged, by=compliance_user)
        run_background_tasks()  # the recount after a merge runs in the background
        html = handler_client.post(
            reverse("callers:search"), {"q": "Anne Example"}
        ).content.decode()
        assert f'href="{merged.get_absolute_url()}"' not in html
        assert f'href="{survivor.get_absolute_url()}"' in html

    def test_handlers_cannot_merge(self, handler_user):
        with pytest.raises(PermissionDenied):
            callers_merge(survivor=CallerFactory(), merged=CallerFactory(), by=handler_user)


def aged_caller(years_ago: float, **fields) -> Caller:
    caller = CallerFactory(created_at=timezone.now() - timedelta(days=365 * years_ago), **fields)
    CallerPhoneFactory(caller=caller)
    CallFactory(
        caller=caller,
        about="A private matter about their neighbour",
        received_at=timezone.now() - timedelta(days=round(365.25 * years_ago)),
    )
    caller_activity_refresh(caller.pk)
    return caller


class TestRetention:
    def test_the_dry_run_and_the_real_run_agree_and_legal_holds_are_kept(self, capsys):
        old = aged_caller(7, full_name="Old Caller", email="old@example.org")
        held = aged_caller(8, full_name="Held Caller", legal_hold=True)
        recent = aged_caller(2, full_name="Recent Caller")
        concern_raise(caller=old, by=UserFactory(), kind="other", noticed="Private")
        planned = {s.record_type: sorted(s.ids) for s in retention_plan() if s.ids}
        assert planned == {
            "calls": [old.calls.get().pk],
            "concerns": [old.concerns.get().pk],
            "callers": [old.pk],
        }
        call_command("apply_retention")
        dry_run = capsys.readouterr().out
        assert "Dry run: would Calls and DMTS entries: anonymise 1 calls" in dry_run
        assert Call.objects.get(caller=old).about != REMOVED  # nothing changed
        call_command("apply_retention", "--apply")
        done = {log.record_type: sorted(log.record_ids) for log in DisposalLog.objects.all()}
        assert done == planned
        old.refresh_from_db()
        assert old.full_name == "Anonymised caller" and old.email == "" and old.anonymised_at
        assert not old.phones.exists()
        assert Call.objects.get(caller=old).about == REMOVED
        assert Concern.objects.get(caller=old).noticed == REMOVED
        assert Caller.objects.get(pk=held.pk).full_name == "Held Caller"
        assert Caller.objects.get(pk=recent.pk).full_name == "Recent Caller"
        assert not Caller.history.filter(id=old.pk, full_name="Old Caller").exists()
        assert retention_plan() and not any(s.ids for s in retention_plan())  # done once

    def test_the_command_says_done_only_once_it_is_done(self):
        old = aged_caller(7)
        call = old.calls.get()

        class Witness(io.StringIO):
            """Notes, as each "done" line is written, whether the work is already done."""

            seen: list[bool] = []

            def write(self, text: str) -> int:
                if "done" in text or "Carried out" in text:
                    self.seen.append(Call.objects.get(pk=call.pk).about == REMOVED)
                return super().write(text)

        witness = Witness()
        call_command("apply_retention", "--apply", stdout=witness)
        assert witness.seen and all(witness.seen), witness.getvalue()

    def test_the_disposal_log_holds_no_personal_data(self):
        old = aged_caller(9, full_name="Zebedee Quartermaine", email="zq@example.org")
        phone = str(old.phones.get().number)
        retention_apply(retention_plan())
        logged = json.dumps(list(DisposalLog.objects.values()), default=str)
        for personal in ("Zebedee", "Quartermaine", "zq@example.org", phone, "private matter"):
            assert personal not in logged

    def test_deleting_as_configured(self):
        RetentionRule.objects.filter(kind="calls").update(action="delete")
        old = aged_caller(7)
        retention_apply(retention_plan())
        assert not Call.objects.filter(caller_id=old.pk).exists()
        assert not Caller.objects.filter(pk=old.pk).exists()  # nothing left to keep


class TestNothingOfADisposedCallerIsLeft:
    """After retention, no table, history tables included, holds any text that was the
    disposed caller's: checked over every model the project has, not a list of them."""

    @staticmethod
    def a_caller_with_words_everywhere(manager_user, handler_user) -> set[str]:
        words = iter(f"Xylo{n:03d}word" for n in range(1000))
        long_ago = timezone.now() - timedelta(days=365 * 7)
        caller = CallerFactory(
            full_name=f"{next(words)} Caller",
            other_names=next(words),
            email=f"{next(words)}@example.org",
            postal_address=next(words),
            notes=next(words),
            reasonable_adjustments=next(words),
            created_at=long_ago,
        )
        caller_update(
            caller=caller,
            by=manager_user,
            version=1,
            phone_numbers=["+442079460123"],
            details={"full_name": f"{next(words)} Caller", "notes": next(words)},
        )
        legal_hold_set(caller=caller, by=manager_user, on_hold=True, reason=next(words))
        legal_hold_set(caller=caller, by=manager_user, on_hold=False, reason=next(words))
        now = timezone.now()
        for hours in (3, 2, 1):
            log_call(
                handler_user,
                caller=caller,
                received_at=now - timedelta(hours=hours),
                about=next(words),
                outcome=next(words),
            )
        asked = log_call(
            handler_user,
            caller=caller,
            call_type=Call.Type.NAMED_PERSON,
            about=next(words),
            received_at=now - timedelta(minutes=30),
            requested=StaffContactFactory(),
            request_reason=next(words),
        )
        contact_request_decide(
            contact_request=asked.contact_request, decision="will_call_back", note=next(words)
        )
        entry = asked.dmts_entry
        call_correct(
            entry=entry,
            by=manager_user,
            reason=next(words),
            version=1,
            changes={"about": next(words)},
        )
        entry_review(entry=entry, by=manager_user, status="reviewed", notes=next(words), version=2)
        action = follow_up_add(
            by=manager_user,
            what=next(words),
            owner=manager_user,
            due_on=timezone.localdate(),
            caller=caller,
        )
        follow_up_done(follow_up=action, by=manager_user, note=next(words), version=1)
        FollowUp.objects.create(  # a follow-up found for the entry, as the daily run makes
            kind=FollowUp.Kind.ENTRY,
            what="Follow up",
            due_on=timezone.localdate(),
            call=asked,
            caller=caller,
        )
        voided = caller.calls.exclude(pk=asked.pk).first().dmts_entry
        entry_void(entry=voided, by=manager_user, reason=next(words), version=1)
        meeting = meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)
        made = meeting_decide(
            item=meeting.items.get(caller=caller),
            by=manager_user,
            decision="flag",
            kind="frequent",
            note=next(words),
            agreed_response=next(words),
        ).flag
        flag_renew(
            flag=made,
            by=manager_user,
            reason=next(words),
            new_review_date=timezone.localdate() + timedelta(days=60),
            version=1,
        )
        flag_change_response(
            flag=made,
            by=manager_user,
            agreed_response=next(words),
            reason=next(words),
            version=2,
        )
        flag_change_arrangements(
            flag=made,
            by=manager_user,
            single_point_of_contact=None,
            contact_times=next(words),
            written_contact_only=False,
            reason=next(words),
            version=3,
        )
        office_letterhead()
        letter = letter_write(flag=made, by=manager_user, kind="notice", reason=next(words))
        letter_sent(
            letter=letter,
            by=manager_user,
            sent_on=timezone.localdate(),
            sent_how="post",
            version=1,
        )
        appeal = appeal_record(
            flag=made,
            by=manager_user,
            received_on=timezone.localdate(),
            grounds=next(words),
        )
        appeal_decide(
            appeal=appeal,
            by=UserFactory(roles=[Role.BUSINESS_AND_COMPLIANCE_MANAGER]),
            outcome="not_upheld",
            reasons=next(words),
            version=1,
        )
        flag_end(flag=made, by=manager_user, reason=next(words), version=5)
        concern = concern_raise(caller=caller, by=handler_user, kind="other", noticed=next(words))
        concern_decide(
            concern=concern,
            by=manager_user,
            decision=next(words),
            handling=next(words),
            version=1,
        )
        referral = referral_record(
            caller=caller,
            by=manager_user,
            concern=concern,
            referred_to="other",
            other_body=next(words),
            their_reference=next(words),
            lawful_basis="vital_interests",
            consent="yes",
            outcome=next(words),
        )
        referral_outcome(
            referral=referral,
            by=manager_user,
            outcome=next(words),
            their_reference=next(words),
            version=1,
        )
        sar = subject_access_request_log(
            caller=caller,
            by=manager_user,
            received_on=timezone.localdate(),
            requester="representative",
            representative=next(words),
            identity_verified_on=timezone.localdate(),
            identity_note=next(words),
        )
        subject_access_extend(sar=sar, by=manager_user, reason=next(words), version=1)
        subject_access_response_request(sar=sar, by=manager_user)
        run_background_tasks()
        # Seven years on: every call long ago (the records about them stay as they were made).
        Call.objects.filter(caller=caller).update(received_at=F("received_at") - (now - long_ago))
        caller_activity_refresh(caller.pk)
        used = int(next(words)[4:7])
        return {f"Xylo{n:03d}word" for n in range(used)} | {"2079460123"}

    @staticmethod
    def where_they_are(words: set[str]) -> list[str]:
        found = []
        for model in apps.get_models():
            for row in model.objects.values():
                text = json.dumps(row, default=str)
                found += [f"{model._meta.label}: {w}" for w in words if w in text]
        return found

    @pytest.mark.parametrize("action", ["anonymise", "delete"])
    def test_every_table_is_searched_and_none_holds_their_words(
        self, manager_user, handler_user, action
    ):
        words = self.a_caller_with_words_everywhere(manager_user, handler_user)
        bystander = log_call(handler_user, about="Nothing to do with them")
        assert len(self.where_they_are(words)) > 30  # the search finds them to begin with
        RetentionRule.objects.exclude(kind="callers").update(action=action)
        written = SubjectAccessResponse.objects.get()
        files = [Path(written.pdf.path), Path(written.data.path)]
        retention_apply(retention_plan())
        assert self.where_they_are(words) == []
        assert not any(path.exists() for path in files)  # the response held them too
        assert Call.objects.get(pk=bystander.pk).about == "Nothing to do with them"
        assert retention_plan() and not any(s.ids for s in retention_plan())  # done once

    def test_anonymised_records_keep_one_history_row_saying_so(self, manager_user, handler_user):
        self.a_caller_with_words_everywhere(manager_user, handler_user)
        retention_apply(retention_plan())
        for model in (Call, Flag, Letter, Appeal, Concern, Referral, Caller):
            reasons = set(model.history.values_list("history_change_reason", flat=True))
            assert "Anonymised under the retention schedule" in reasons, model


def test_concerns_queue_and_duplicates_run_fixedqueries(manager_client, manager_user):
    for url in (reverse("callers:concerns"), reverse("callers:duplicates")):
        counts = []
        for n in (1, 12):
            for _ in range(n):
                # One name and one number for all: both kinds of duplicate are there in each
                # count, not a pair of generated names that happen to match in one of them.
                caller = CallerPhoneFactory(
                    number="+441234567890", caller__full_name="Sam Jones"
                ).caller
                concern_raise(caller=caller, by=manager_user, kind="other", noticed="x")
            counts.append(queries(manager_client, url))
        assert counts[0] == counts[1], url


class TestMergingKeepsTheLegalHold:
    def test_held_records_stay_held_on_the_record_kept(self, compliance_user):
        survivor, held = CallerFactory(), CallerFactory(legal_hold=True)
        callers_merge(survivor=survivor, merged=held, by=compliance_user)
        survivor.refresh_from_db()
        assert survivor.legal_hold
        assert "legal_hold" in {
            change.field
            for change in survivor.history.first().diff_against(survivor.history.all()[1]).changes
        }
