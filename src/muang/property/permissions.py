"""Who may do what with the property registry and valuation: owners carry national IDs, so reading is a
permission."""

from enum import StrEnum

from muang.core.contract import Grant
from muang.core.models import Role


class PropertyPerm(StrEnum):
    PROPERTY_VIEW = "property.view"  # parcels, buildings, condo units, signboards, owners, history, tables
    PROPERTY_EDIT = "property.edit"  # registry writes and parcel imports (every change with a reason)
    VALUATION_EDIT = "valuation.edit"  # a tax year's tables: prices, brackets, exemptions, reductions


GRANTS = (
    Grant({PropertyPerm.PROPERTY_VIEW}, roles={Role.OFFICER, Role.DEPARTMENT_HEAD, Role.EXECUTIVE}),
    Grant({PropertyPerm.PROPERTY_EDIT}, roles={Role.DEPARTMENT_HEAD}),
)
