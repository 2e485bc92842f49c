"""People and teams the forms offer, loaded once in the background and shared by windows."""

from __future__ import annotations

from dataclasses import dataclass

from rso_manager.services.unit_of_work import Actor, Services
from rso_manager.services.users import TeamInfo, UserInfo, list_teams, list_users
from ui.table_models import Names


@dataclass(frozen=True)
class Lookups:
    users: tuple[UserInfo, ...] = ()
    teams: tuple[TeamInfo, ...] = ()

    def names(self) -> Names:
        return Names({u.id: u.display_name for u in self.users}, {t.id: t.name for t in self.teams})

    def case_managers(self) -> list[UserInfo]:
        return [u for u in self.users if u.can_hold_cases]


def load_lookups(services: Services, actor: Actor) -> Lookups:
    """Runs on the worker thread."""
    return Lookups(tuple(list_users(services, actor)), tuple(list_teams(services)))
