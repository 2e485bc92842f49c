"""The demo accounts' published sign-in: one password for every demo user, and fixed secrets for
the codes of the administrator and the OMU lead, who must sign in with one."""

from __future__ import annotations

from datetime import datetime

from rso_manager.services import second_factor

DEMO_PASSWORD = "demo password for training only"
DEMO_PASSWORD_HINT = (
    f'"{DEMO_PASSWORD}" for every demo user: lead (OMU lead), admin, sup.northam, '
    "sup.eastmoor, sup.westvale, sup.harbourside (supervisors), om.northam1, om.eastmoor1, ... "
    "(offender managers), briefing (frontline briefing, read only) and new.starter (not yet trained)"
)

# Fixed, published secrets for the sign-in codes of the demo's administrator and OMU lead (who
# must sign in with one): a demo database's login screen shows their current codes. They make
# a demo account no safer than its published password; never use them outside a demo.
DEMO_TOTP_SECRETS = {
    "admin": "DEMOADMINCODEFORTRAININGONLYAAAA",
    "lead": "DEMOLEADCODEFORTRAININGONLYBBBBB",
}


def demo_codes_hint(now: datetime) -> str:
    """The demo accounts' sign-in codes at NOW, for the login screen."""
    codes = ", ".join(f"{name} {second_factor.current_code(secret, now)}"
                      for name, secret in DEMO_TOTP_SECRETS.items())
    return f"Sign-in codes now (new ones every 30 seconds; each works once): {codes}."
