"""factory_boy factories: override only what a test depends on."""

import factory
from django.contrib.auth.models import Group
from faker import Faker

from callers.models import Call, Caller, CallerPhone, StaffContact
from opcc_calls.models import User
from opcc_calls.roles import Role, sync_role_groups

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@opcc.example")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs) -> None:
        if not create or not extracted:
            return
        if not Group.objects.filter(name__in=[r.value for r in extracted]).exists():
            sync_role_groups()
        self.groups.add(*Group.objects.filter(name__in=[r.value for r in extracted]))


class StaffContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffContact

    name = factory.Faker("name", locale="en_GB")
    job_title = "Policy Officer"
    email = factory.Sequence(lambda n: f"contact{n}@opcc.example")


_NAMES = Faker("en_GB")


class CallerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caller

    # Tests look for a caller's name in the HTML as written, where an apostrophe is escaped
    # (O'Connor is O&#x27;Connor): generated names have none, so no test fails by chance.
    # Names with apostrophes and other scripts are tested on purpose (test_hostile_input).
    full_name = factory.LazyFunction(lambda: _NAMES.name().replace("'", ""))


class CallerPhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallerPhone

    caller = factory.SubFactory(CallerFactory)
    number = factory.Sequence(lambda n: f"+441234{n:06d}")


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    caller = factory.SubFactory(CallerFactory)
    handler = factory.SubFactory(UserFactory)
    call_type = Call.Type.ENQUIRY
    about = "Asked how to contact the Commissioner's office about a local policing issue."
    outcome = "Explained the options."
