"""The roles in the procedure, each a bundle of permissions, defined once here.

Code checks permissions, never these group names. `sync_role_groups()` makes each group hold
exactly its bundle; it runs after every migrate and from `manage.py setup_groups`.
"""

from enum import StrEnum

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction


class Role(StrEnum):
    CALL_HANDLER = "Call handlers"
    COMPLIANCE_OFFICER = "Compliance Officer"
    BUSINESS_AND_COMPLIANCE_MANAGER = "Business and Compliance Manager"


# Every member of staff takes calls (policy 3.1, 5.4).
_CALL_HANDLER = [
    "callers.view_caller",
    "callers.add_caller",
    "callers.change_caller",
    "callers.view_call",
    "callers.add_call",
    "callers.view_staffcontact",
    "callers.view_contactrequest",
    "dmts.view_dmtsentry",
    "dmts.correct_own_dmtsentry",
    "callers.add_concern",
]
# The Compliance Officer keeps the DMTS log and the frequent calls log (5.8g, 5.8h).
_COMPLIANCE_OFFICER = [
    "callers.view_caller",
    "callers.view_call",
    "callers.view_staffcontact",
    "callers.view_contactrequest",
    "callers.change_contactrequest",
    "dmts.view_dmtsentry",
    "dmts.review_dmtsentry",
    "dmts.export_dmtsentry",
    "callers.view_flag",
    "callers.view_meeting",
    "callers.view_rule",
    "callers.merge_caller",
    "callers.view_disposallog",
    # Letters to flagged callers and their appeals, which the office receives in writing.
    "callers.view_letter",
    "callers.view_appeal",
    "callers.add_appeal",
    # Follow-ups: the Compliance Officer and managers give them owners and due dates.
    "callers.view_followup",
    "callers.change_followup",
    # The quarterly report for the risk register and the Police and Crime Panel.
    "callers.produce_report",
]
# The Business and Compliance Manager runs the arrangements (5.6, 6.1).
_BUSINESS_AND_COMPLIANCE_MANAGER = [
    *_COMPLIANCE_OFFICER,
    "callers.add_staffcontact",
    "callers.change_staffcontact",
    "callers.flag_caller",
    "callers.write_letter",
    "callers.view_lettertemplate",
    "callers.change_lettertemplate",
    "callers.view_letterhead",
    "callers.change_letterhead",
    # Heard by a manager who did not make the flag (enforced when deciding).
    "callers.decide_appeal",
    "callers.add_followup",
    "callers.add_rule",
    "callers.change_rule",
    "callers.view_concern",
    "callers.change_concern",
    "callers.add_referral",
    "callers.view_referral",
    "callers.change_referral",
    "callers.apply_legal_hold",
    "callers.import_flags",
    "callers.view_riskword",
    "callers.add_riskword",
    "callers.change_riskword",
    "callers.view_retentionrule",
    "callers.change_retentionrule",
    "callers.apply_retention",
    "callers.view_disposallog",
    "callers.view_sensitiveaccess",
    # Subject access: everything held about a caller, concerns and referrals included, so
    # only for those who may already read that detail (README: Roles).
    "callers.export_subject_access",
    "opcc_calls.view_user",
    "opcc_calls.reset_second_factor",
    "opcc_calls.view_securitypolicy",
    "opcc_calls.change_securitypolicy",
    # SOP 6.1: managers make sure all staff know the procedure.
    "opcc_calls.publish_procedure",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.CALL_HANDLER: _CALL_HANDLER,
    Role.COMPLIANCE_OFFICER: _COMPLIANCE_OFFICER,
    Role.BUSINESS_AND_COMPLIANCE_MANAGER: _BUSINESS_AND_COMPLIANCE_MANAGER,
}


def _permissions(names: list[str]) -> list[Permission]:
    found = []
    for name in dict.fromkeys(names):
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


@transaction.atomic
def sync_role_groups() -> list[Group]:
    """Create each role's group and give it exactly its bundle; safe to run any number of times."""
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    groups = []
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(_permissions(names))
        groups.append(group)
    return groups


def sync_role_groups_after_migrate(sender, using="default", **kwargs) -> None:
    if using == "default":
        sync_role_groups()
