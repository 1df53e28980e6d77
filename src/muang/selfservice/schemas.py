"""API schemas of the staff side of self-service: change-of-use notices (ภ.ด.ส.5) and their decision."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema


class UseChangeNoticeOut(Schema):
    reference: str
    status: str
    owner_id: int
    owner_name: str
    property_kind: Literal["parcel", "building", "condo_unit"]
    property_id: int
    property_label: str
    previous_use: str
    use: str = Field(description="The new use; `mixed` with the shares below")
    share_agricultural: Decimal
    share_residential: Decimal
    share_other: Decimal
    share_vacant: Decimal
    changed_on: dt.date
    late: bool = Field(description="Filed more than 60 days after the change")
    note: str
    photo_url: str | None
    filed_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str

    @staticmethod
    def resolve_owner_name(obj) -> str:
        return obj.owner.display_name

    @staticmethod
    def resolve_property_kind(obj) -> str:
        return "parcel" if obj.parcel_id else "building" if obj.building_id else "condo_unit"

    @staticmethod
    def resolve_property_id(obj) -> int:
        return obj.parcel_id or obj.building_id or obj.condo_unit_id

    @staticmethod
    def resolve_late(obj) -> bool:
        from muang.selfservice.services.filings import notice_is_late

        return notice_is_late(obj)

    @staticmethod
    def resolve_photo_url(obj) -> str | None:
        return obj.photo.url if obj.photo else None


class UseChangeDecisionIn(Schema):
    status: Literal["accepted", "rejected"]
    note: str = Field("", max_length=4000, description="Required when rejecting: the taxpayer is told why")
