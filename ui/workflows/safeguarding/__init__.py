"""The record's Relationships and Safeguarding parts.

- relationships: who the offender is close to, with children and access to children; a
  relationship giving access to children opens a concern and leads to its referral form;
- referrals: concerns for a child and their referral to children's social care, with the clocks
  the service works out (referred the same day? a decision within one working day?);
- referral_document: the document for children's social care, completed, saved and printed;
- referral_pane and disclosure_pane: the selected referral (every stage against its clock) or
  disclosure read in full beside the lists;
- disclosures: s.327A decisions and Child Sex Offender Disclosure Scheme applications, with
  their overdue stages;
- safeguarding_page: the Safeguarding part, referrals above and disclosures below, the pane
  beside them;
- labels: the words they share.
"""

from ui.workflows.safeguarding.disclosure_pane import DisclosurePane
from ui.workflows.safeguarding.disclosures import DisclosureDialog, DisclosuresModel
from ui.workflows.safeguarding.referral_document import ReferralDocumentDialog
from ui.workflows.safeguarding.referral_pane import ReferralPane
from ui.workflows.safeguarding.referrals import (
           AcknowledgementDialog,
           ConcernDialog,
           DecisionDialog,
           ReferralDialog,
           ReferralsModel,
)
from ui.workflows.safeguarding.relationships import (
           RelationshipDialog,
           RelationshipsModel,
           RelationshipsPage,
)
from ui.workflows.safeguarding.safeguarding_page import SafeguardingPage

__all__ = ["AcknowledgementDialog", "ConcernDialog", "DecisionDialog", "DisclosureDialog", "DisclosurePane",
           "DisclosuresModel", "ReferralDialog", "ReferralDocumentDialog", "ReferralPane", "ReferralsModel",
           "RelationshipDialog", "RelationshipsModel", "RelationshipsPage", "SafeguardingPage"]
