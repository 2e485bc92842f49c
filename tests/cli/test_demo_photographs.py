"""The demo's photographs: synthetic silhouettes marked DEMO, attached to some cases as the person
service would keep them, read back through it, and leaving every other demo record as it was."""

from __future__ import annotations

import hashlib
from collections import Counter
from importlib.resources import files

from sqlalchemy import func, select

from rso_manager import demo
from rso_manager.database import open_database
from rso_manager.demo import person_details
from rso_manager.domain.roles import Role
from rso_manager.persistence import models as m
from rso_manager.services import person
from rso_manager.services.unit_of_work import Actor
from tests.opening import open_case


def _the_rest(s):
    """Every other kind of entry counted, and the draws a photograph's Random could have moved."""
    counts = {model.__tablename__: s.scalar(select(func.count()).select_from(model))
              for model in m.CASE_ENTRY_MODELS if model is not m.Photograph}
    drawn = (s.execute(select(m.Offender.reference, m.Offender.risk_level, m.Offender.next_visit_due,
                              m.Offender.next_notification_due).order_by(m.Offender.id)).all(),
             s.execute(select(m.PhysicalDescription.offender_id, m.PhysicalDescription.height_cm)
                       .order_by(m.PhysicalDescription.id)).all(),
             s.execute(select(m.Vehicle.offender_id, m.Vehicle.registration).order_by(m.Vehicle.id)).all(),
             s.execute(select(m.OnlineIdentifier.identifier).order_by(m.OnlineIdentifier.id)).all())
    return counts, drawn


def test_the_demo_photographs_are_small_pngs():
    folder = files("resources").joinpath("demo_photographs")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".png"))
    assert names == sorted(person_details.PHOTOGRAPH_FILES) and 6 <= len(names) <= 8
    digests = set()
    for name in names:
        data, media_type, digest = person_details.demo_photograph(name)
        assert media_type == "image/png" and len(data) < 30 * 1024, name
        digests.add(digest)
    assert len(digests) == len(names)  # each drawn in its own colours


def test_some_demo_cases_have_photographs_the_record_shows(empty_sqlite_url, clock, monkeypatch):
    engine, services = open_database(empty_sqlite_url, clock)
    try:
        demo.generate(services, offenders=60, seed=3)
        today = clock.today()
        with services.session_factory() as s:
            photos = s.execute(select(m.Photograph.offender_id, m.Photograph.taken_on, m.Photograph.media_type,
                                      m.Photograph.image, m.Photograph.sha256, m.Photograph.created_by_id,
                                      m.Offender.offender_manager_id)
                               .join(m.Offender, m.Offender.id == m.Photograph.offender_id)).all()
            om_id = photos[0].offender_manager_id
            om = s.get(m.User, om_id)
            actor = Actor(om.id, om.username, om.display_name, Role(om.role), om.team_id, om.trained)
            others = _the_rest(s)
        cases = Counter(p.offender_id for p in photos)
        assert 10 <= len(cases) < 60 and max(cases.values()) <= 2  # some cases, not all
        for p in photos:
            assert p.taken_on < today and p.media_type == "image/png"
            assert hashlib.sha256(p.image).hexdigest() == p.sha256 and len(p.image) < 30 * 1024
            assert p.created_by_id == p.offender_manager_id
        # The record's header shows the newest through the person service, as for an imported one.
        oid = next(p.offender_id for p in photos if p.offender_manager_id == om_id)
        open_case(services, actor, oid)
        newest = person.newest_photograph(services, actor, oid)
        assert newest is not None and newest.taken_on == max(p.taken_on for p in photos if p.offender_id == oid)
        assert newest.image.startswith(b"\x89PNG")
    finally:
        engine.dispose()

    # Without photographs, every other record of the load is the same.
    monkeypatch.setattr(person_details, "PHOTOGRAPHED_UP_TO", 0)
    engine, services = open_database(empty_sqlite_url.replace(".db", "-bare.db"), clock)
    try:
        demo.generate(services, offenders=60, seed=3)
        with services.session_factory() as s:
            assert s.scalar(select(func.count(m.Photograph.id))) == 0
            assert _the_rest(s) == others
    finally:
        engine.dispose()
