"""The pure rules of directory sign-in: groups to a role (with precedence), the trained mark and
the team, and what a configuration must hold (domain/directory_mapping.py). No server needed."""

from __future__ import annotations

from rso_manager.domain import directory_mapping as dm
from rso_manager.domain.roles import Role

GROUPS = "OU=Groups,DC=force,DC=example"
VALUES = {
    "enabled": True, "servers": "ldaps://dc1.force.example ldaps://dc2.force.example:3269",
    "base_dn": "DC=force,DC=example", "offender_manager_group": "RSO Offender Managers",
    "supervisor_group": f"CN=RSO Supervisors,{GROUPS}", "administrator_group": "RSO Administrators",
    "trained_group": "RSO Trained", "team_groups": "North=RSO Team North; South = RSO Team South",
}


def _config(**changes):
    config = dm.configuration({**VALUES, **changes})
    assert config is not None
    return config


def _dn(cn):
    return f"CN={cn},{GROUPS}"


def test_groups_by_common_name_or_dn_whatever_the_case_and_spacing():
    groups = ["cn=rso offender managers, ou=groups, dc=force, dc=example"]
    assert dm.in_group(groups, "RSO Offender Managers")
    assert dm.in_group(groups, "CN=RSO Offender Managers,OU=Groups,DC=force,DC=example")
    assert not dm.in_group(groups, "CN=RSO Offender Managers,OU=Other,DC=force,DC=example")
    assert not dm.in_group(groups, "RSO Offender")
    assert not dm.in_group(groups, "")


def test_the_first_role_of_the_precedence_wins_and_the_others_are_noted():
    m = dm.membership(_config(), [_dn("RSO Offender Managers"), _dn("RSO Supervisors"), _dn("RSO Trained")])
    assert (m.role, m.trained, m.team_name, m.other_roles) == (
        Role.SUPERVISOR, True, None, (Role.OFFENDER_MANAGER,))
    admin = dm.membership(_config(), [_dn("RSO Administrators"), _dn("RSO Supervisors")])
    assert admin.role is Role.ADMINISTRATOR


def test_trained_and_team_only_where_the_configuration_says():
    m = dm.membership(_config(), [_dn("RSO Offender Managers"), _dn("RSO Team South")])
    assert (m.role, m.trained, m.team_name) == (Role.OFFENDER_MANAGER, False, "South")
    silent = dm.membership(_config(trained_group="", team_groups=""), [_dn("RSO Offender Managers")])
    assert (silent.trained, silent.team_name) == (None, None)
    assert dm.membership(_config(), [_dn("Payroll")]).role is None


def test_active_directory_disabled_accounts():
    assert dm.account_disabled("514") and dm.account_disabled(2)
    assert not dm.account_disabled("512") and not dm.account_disabled(None)


def test_a_good_configuration_and_an_off_one():
    config = _config()
    assert config.servers == ("ldaps://dc1.force.example", "ldaps://dc2.force.example:3269")
    assert config.team_groups == (("North", "RSO Team North"), ("South", "RSO Team South"))
    assert config.group_base_dn == "DC=force,DC=example"
    assert dm.configuration_problems(VALUES) == []
    assert dm.configuration({**VALUES, "enabled": False}) is None
    # Off, it may be half filled in.
    assert dm.configuration_problems({"enabled": False, "servers": "ldap://dc1.force.example"}) == []


def test_each_problem_names_its_field():
    def fields(**changes):
        return [f for f, _ in dm.configuration_problems({**VALUES, **changes})]
    assert fields(servers="ldap://dc1.force.example") == ["servers"]  # a password in clear
    assert fields(servers="ldap://dc1.force.example", start_tls=True) == []
    assert fields(servers="ldap://127.0.0.1:3890") == []  # this computer: nothing crosses a network
    assert fields(servers="ldaps://dc1:notaport") == ["servers"]
    assert fields(base_dn="force") == ["base_dn"]
    assert fields(user_filter="sAMAccountName=x") == ["user_filter"]
    assert fields(group_attribute="", group_filter="(member=x)") == ["group_filter"]
    assert fields(offender_manager_group="", supervisor_group="", administrator_group="") == [
        "offender_manager_group"]
    assert fields(recheck_minutes=61) == ["recheck_minutes"]
    assert fields(timeout_seconds=True) == ["timeout_seconds"]
    assert fields(team_groups="CN=RSO Team North,OU=Groups") == ["team_groups"]
    assert fields(colour="blue") == ["colour"]
    assert fields(base_dn=None) == ["base_dn", "base_dn"]
