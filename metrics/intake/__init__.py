"""Read a report and propose the figures it states, each with its sentence as evidence.

read_document (reading) → find_figures per line (finding) → kind, dates, section (context) →
region (places) → metric (matching) → rows with the columns of PROPOSAL_COLUMNS (proposals).
"""

from __future__ import annotations

from metrics.intake import cli
from metrics.intake.proposals import PROPOSAL_COLUMNS, propose, propose_file, write_proposals
from metrics.intake.reading import IntakeError, read_document

__all__ = ["PROPOSAL_COLUMNS", "cli", "IntakeError", "propose", "propose_file", "read_document", "write_proposals"]
