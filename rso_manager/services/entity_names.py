"""What users call each kind of row, the one place a message about a row takes its name from
("That visit no longer exists", "This breach was changed by ...")."""

from __future__ import annotations

from rso_manager.persistence import models as m

# Only where the table's own name does not read as users say it.
_NAMES: dict[type, str] = {
    m.Offender: "offender record",
    m.User: "user account",
    m.PoliceHandover: "hand-over",
    m.DisregardedPeriod: "custody, hospital or abroad period",
    m.SafeguardingReferral: "safeguarding referral",
    m.ChargedPerson: "court watch entry",
    m.ChildSafetyCheck: "child safety check",
    m.Action: "action",
    m.SignOff: "sign-off",
    m.StatutoryNotification: "notification",
    m.Occupation: "employment or education entry",
}


def entity_name(model: type) -> str:
    """MODEL's rows as users name them: "breach", "hand-over", "case note"."""
    name = _NAMES.get(model)
    if name is not None:
        return name
    table: str = getattr(model, "__tablename__", "record")
    return table.replace("_", " ")
