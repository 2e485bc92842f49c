"""The whole person (issue 14): what ViSOR and OffenderWatch hold beyond the name.

Photographs (imported from a file, several kept, the newest in the record's header), physical
descriptions and distinguishing marks, vehicles (a registration that fits no UK format is saved
with a warning), employment and education, online accounts and internet identifiers. Each is
added and corrected through entries (the old values kept in the record's history, with a
reason) and marked as entered in error through caseload.void_entry like every case entry.
"""

from rso_manager.services.person.description import (
    DescriptionInput,
    MarkInput,
    add_description,
    add_mark,
    correct_description,
    correct_mark,
)
from rso_manager.services.person.entries import Saved
from rso_manager.services.person.occupations import (
    OccupationInput,
    add_occupation,
    correct_occupation,
)
from rso_manager.services.person.online import IdentifierInput, add_identifier, correct_identifier
from rso_manager.services.person.photographs import (
    PhotographInput,
    add_photograph,
    correct_photograph,
)
from rso_manager.services.person.reading import (
    DescriptionView,
    IdentifierView,
    MarkView,
    OccupationView,
    PersonView,
    PhotographImage,
    PhotographView,
    VehicleView,
    newest_photograph,
    person_for,
)
from rso_manager.services.person.vehicles import VehicleInput, add_vehicle, correct_vehicle

__all__ = [
    "DescriptionInput", "DescriptionView", "IdentifierInput", "IdentifierView", "MarkInput", "MarkView",
    "OccupationInput", "OccupationView", "PersonView", "PhotographImage", "PhotographInput", "PhotographView",
    "Saved", "VehicleInput", "VehicleView", "add_description", "add_identifier", "add_mark", "add_occupation",
    "add_photograph", "add_vehicle", "correct_description", "correct_identifier", "correct_mark",
    "correct_occupation", "correct_photograph", "correct_vehicle", "newest_photograph", "person_for",
]
