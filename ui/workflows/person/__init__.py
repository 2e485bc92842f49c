"""The record's Person part (issue 14, the whole person).

- models: the lists (photographs, descriptions, marks, vehicles, employment and education,
  online identifiers), entries entered in error struck through;
- dialogs: Add and Correct for each kind; a photograph imported from a file, a registration
  outside the UK formats asked about before it is saved;
- page: the part itself, with the newest photograph shown large.
"""

from ui.workflows.person.dialogs import (
    DescriptionDialog,
    IdentifierDialog,
    MarkDialog,
    OccupationDialog,
    PhotographDialog,
    VehicleDialog,
)
from ui.workflows.person.models import (
    DescriptionsModel,
    IdentifiersModel,
    MarksModel,
    OccupationsModel,
    PhotographsModel,
    VehiclesModel,
)
from ui.workflows.person.page import PersonPage

__all__ = ["DescriptionDialog", "DescriptionsModel", "IdentifierDialog", "IdentifiersModel", "MarkDialog",
           "MarksModel", "OccupationDialog", "OccupationsModel", "PersonPage", "PhotographDialog",
           "PhotographsModel", "VehicleDialog", "VehiclesModel"]
