"""What a signed-in taxpayer may do in self-service itself (their bills are billing's: `PayerScope`).

These are citizen grants (`muang.core.access.CitizenGrant`), never granted to a staff role: the taxpayer's
principal carries them for their own owner record only (`session.taxpayer_actor`)."""

from dataclasses import dataclass
from enum import StrEnum


class TaxpayerPerm(StrEnum):
    USE_CHANGE_FILE = "use_change.file"  # file a ภ.ด.ส.5 for a property the taxpayer holds


@dataclass(frozen=True)
class OwnerScope:
    """A grant over one owner record of the principal's organisation: the taxpayer themselves."""

    owner_id: int
