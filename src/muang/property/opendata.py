"""The property app's open dataset: the tax map's parcels without their owners.

Published: the parcel code (zone and block), the area, the use and the shape (or the point of a parcel not yet
drawn). Never the owner (name, national ID, address, phone), the deed or land number (keys to the owner at the
land office), the house numbers of its buildings, the note or any tax figure. Retired parcels are left out."""

from django.utils.translation import gettext_lazy as _

from muang.core.contract import DatasetColumn, OpenDataset

PARCELS = OpenDataset(
    code="property.parcels",
    title=_("Tax map parcels"),
    description=_(
        "The parcels of the organisation's tax map: code, zone, block, area (rai, ngan, square wah and m²), "
        "use and shape. No owner, deed number or tax figure."
    ),
    from_sql="property_parcel p",
    tenant_sql="p.organization_id = %(org)s AND p.retired_on IS NULL",
    order_sql="p.code",
    columns=(
        DatasetColumn("parcel_code", "p.code", _("parcel code")),
        DatasetColumn("zone", "p.zone", _("zone")),
        DatasetColumn("block", "p.block", _("block")),
        DatasetColumn("area_rai", "p.area_rai", _("rai"), "integer"),
        DatasetColumn("area_ngan", "p.area_ngan", _("ngan"), "integer"),
        DatasetColumn("area_wah", "p.area_wah", _("square wah"), "number"),
        DatasetColumn("area_m2", "p.area_square_metres", _("area in m²"), "number"),
        DatasetColumn("use", "p.use", _("use")),
    ),
    geometry_sql="COALESCE(p.geometry::geometry, p.location::geometry)",
    data_type="geospatial",
    frequency="monthly",
    keywords=("แผนที่ภาษี", "แปลงที่ดิน", "ภาษีที่ดินและสิ่งปลูกสร้าง"),
    source=_("Tax map (land and buildings tax register)"),
)
