from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from callers.models import StaffContact
from opcc_calls.demo.calls import seed_callers_and_calls, seed_requests_and_complaints
from opcc_calls.demo.entries import seed_entries
from opcc_calls.demo.flags import (
    seed_flags_and_meetings,
    seed_letters_and_appeals,
    seed_meeting_record,
)
from opcc_calls.demo.safeguarding import seed_safeguarding
from opcc_calls.demo.subject_access import seed_subject_access
from opcc_calls.history import save_with_history
from opcc_calls.models import Procedure, SecurityPolicy, User
from opcc_calls.roles import Role, sync_role_groups
from opcc_calls.services import procedure_acknowledge, procedure_publish

DEMO_PASSWORD = "opcc-demo"

#: Each demo user's phone extension: screen pop sends the phone system's events for it to them.
DEMO_EXTENSIONS = {"handler": "201", "compliance": "202", "manager": "203", "admin": "204"}

# username: (first name, last name, job title, roles, admin access)
DEMO_USERS = {
    "handler": ("Hannah", "Hale", "Office Administrator", [Role.CALL_HANDLER], False),
    "compliance": (
        "Colin",
        "Carter",
        "Compliance Officer",
        [Role.CALL_HANDLER, Role.COMPLIANCE_OFFICER],
        True,
    ),
    "manager": (
        "Maya",
        "Morgan",
        "Business and Compliance Manager",
        [Role.CALL_HANDLER, Role.BUSINESS_AND_COMPLIANCE_MANAGER],
        True,
    ),
    "admin": ("Alex", "Adams", "System administrator", list(Role), True),
}

# Colleagues who also take calls, so the demo shows calls reaching many different staff.
DEMO_COLLEAGUES = [
    ("Priya", "Shah"),
    ("Tom", "Baxter"),
    ("Grace", "Okafor"),
    ("Owen", "Hughes"),
    ("Ruth", "Ellison"),
]

# People callers ask for who do not sign in. No phone numbers: only an email address (5.8d).
DEMO_DIRECTORY = [
    ("Sam Whitfield", "Police and Crime Commissioner", "commissioner@opcc.example", True),
    ("Clare Kelly", "Chief Executive", "chief.executive@opcc.example", False),
    ("Daniel Ortiz", "Head of Communications", "communications@opcc.example", False),
]


class Command(BaseCommand):
    help = "Create demo users (password 'opcc-demo') and demo records. Development only."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DJANGO_DEBUG=true: it creates known passwords."
            )
        started = timezone.now()
        # Demo records are not news: nobody is emailed about them.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            sync_role_groups()
            handlers = self._users() + self._colleagues()
            self._directory()
            callers, calls = seed_callers_and_calls(handlers)
            seed_entries(reviewer=User.objects.get(username="compliance"))
            seed_requests_and_complaints(
                handler=User.objects.get(username="handler"),
                compliance=User.objects.get(username="compliance"),
            )
            seed_flags_and_meetings(User.objects.get(username="manager"))
            seed_letters_and_appeals(
                manager=User.objects.get(username="manager"),
                compliance=User.objects.get(username="compliance"),
            )
            seed_meeting_record(
                manager=User.objects.get(username="manager"),
                handler=User.objects.get(username="handler"),
            )
            seed_safeguarding(
                manager=User.objects.get(username="manager"),
                handler=User.objects.get(username="handler"),
            )
            seed_subject_access(User.objects.get(username="manager"))
        # Nor are they news later: the emails their making queued are dropped, not sent.
        DBTaskResult.objects.filter(enqueued_at__gte=started).delete()
        self._procedure()
        self._sign_in_policy()
        if callers:
            self.stdout.write(f"Created {callers} demo callers and {calls} calls.")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with any of:"))
        for username, (_, _, title, _, _) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<11} / {DEMO_PASSWORD}   ({title})")

    def _procedure(self) -> None:
        """The office's procedure, SOP 013/2015, as version 1.0: its review date has passed (the
        manager's home page says so); the Compliance Officer has acknowledged it, the handler
        not yet (every page asks them to)."""
        if Procedure.objects.exists():
            return
        published = procedure_publish(
            by=User.objects.get(username="manager"),
            version="1.0",
            text=(Path(__file__).resolve().parents[2] / "demo" / "sop-013-2015.txt").read_text(),
            changes="New document",
            review_date=timezone.localdate() - timedelta(days=7),
        )
        procedure_acknowledge(by=User.objects.get(username="compliance"), procedure=published)

    def _sign_in_policy(self) -> None:
        """Demo users sign in with a password alone; a real office keeps the second factor
        required (the installed default). Says how to turn it back on."""
        policy = SecurityPolicy.current()
        if (
            policy.require_second_factor
            and not policy.history.exclude(history_change_reason__isnull=True).exists()
        ):
            policy.require_second_factor = False
            save_with_history(policy, user=None, reason="Demo data: development only")
        self.stdout.write(
            "Demo sign-ins need no second factor. To require one, sign in as manager and open "
            "Frequent callers → Sign-in policy."
        )

    def _users(self) -> list[User]:
        users = []
        for username, (first, last, title, roles, staff) in DEMO_USERS.items():
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@opcc.example",
                    "is_staff": staff,
                    "is_superuser": username == "admin",
                    "extension": DEMO_EXTENSIONS[username],
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
            StaffContact.objects.get_or_create(
                user=user,
                defaults={"name": f"{first} {last}", "job_title": title, "email": user.email},
            )
            users.append(user)
        return users

    def _colleagues(self) -> list[User]:
        colleagues = []
        handlers = Group.objects.get(name=Role.CALL_HANDLER.value)
        for first, last in DEMO_COLLEAGUES:
            user, created = User.objects.get_or_create(
                username=f"{first}.{last}".lower(),
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first}.{last}@opcc.example".lower(),
                },
            )
            if created:
                user.set_unusable_password()
                user.save()
            user.groups.add(handlers)
            colleagues.append(user)
        return colleagues

    def _directory(self) -> None:
        for name, title, email, commissioner in DEMO_DIRECTORY:
            StaffContact.objects.get_or_create(
                email=email,
                defaults={"name": name, "job_title": title, "is_commissioner": commissioner},
            )
