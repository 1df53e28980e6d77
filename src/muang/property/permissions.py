"""Who may do what with the property registry and valuation: owners carry national IDs, so reading is a
permission. Registry work belongs to the department holding the tax duty (`Department.duties`)."""

from enum import StrEnum

from muang.core.contract import Grant
from muang.core.models import Duty, Role


class PropertyPerm(StrEnum):
    PROPERTY_VIEW = "property.view"  # parcels, buildings, condo units, signboards, owners, history, tables
    PROPERTY_EDIT = "property.edit"  # registry writes and parcel imports (every change with a reason)
    VALUATION_EDIT = "valuation.edit"  # a tax year's tables: prices, brackets, exemptions, reductions


GRANTS = (
    # Executives oversee the whole organisation: they read the registry, they do not write it.
    Grant({PropertyPerm.PROPERTY_VIEW}, roles={Role.EXECUTIVE}),
    # งานจัดเก็บรายได้ / งานแผนที่ภาษี, the department holding the tax duty: officers read the registry, the tax
    # map and the tax office; the head also edits the registry. A tax year's tables stay with the system
    # administrator (valuation.edit). Which department holds the duty is each organisation's own data.
    Grant({PropertyPerm.PROPERTY_VIEW}, roles={Role.OFFICER, Role.DEPARTMENT_HEAD}, duty=Duty.TAX),
    Grant({PropertyPerm.PROPERTY_EDIT}, roles={Role.DEPARTMENT_HEAD}, duty=Duty.TAX),
)
