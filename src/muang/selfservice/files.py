"""Who may read a ภ.ด.ส.5 photo (`/files/use-change/...`, see muang.core.uploads): the taxpayer who filed the
notice, in their own self-service session, and the organisation's staff who read the registry."""

from muang.core.access import require
from muang.core.uploads import FileRead, Visibility
from muang.property.permissions import PropertyPerm

from . import selectors, session


def read_use_change_photo(read: FileRead) -> Visibility:
    notice = selectors.use_change_notice_with_photo(organization_id=read.organization_id, name=read.name)
    owner = session.signed_in_owner(read.request.session, notice.organization)
    if owner is None or owner.pk != notice.owner_id:
        require(read.actor, notice.organization, PropertyPerm.PROPERTY_VIEW)
    return Visibility.PERSONAL
