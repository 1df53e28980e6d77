"""The patient care record (ใบบันทึกการปฏิบัติงาน) the crew hands over at the hospital, as a PDF.

Rendered with the platform's PDF path (billing's WeasyPrint renderer with the Thai font, billing/pdf_base.html).
Reading it is a read of health data: it is audited (PDPA s.26)."""

from django.template.loader import render_to_string
from django.utils import timezone

from muang.billing.services.notices import render_pdf
from muang.core import audit
from muang.core.access import Actor, require
from muang.ems import cbd
from muang.ems.models import Incident
from muang.ems.permissions import EmsPerm
from muang.ems.selectors import response_seconds, timeline


def incident_handover_pdf(*, actor: Actor, incident: Incident) -> bytes:
    require(actor, incident.organization, EmsPerm.EMS_DISPATCH)
    html = render_to_string(
        "ems/handover_pdf.html",
        {
            "incident": incident,
            "organization": incident.organization,
            "group_title": cbd.group_title(incident.cbd_group),
            "criterion": cbd.criterion(incident.cbd_criterion),
            "colour_label": cbd.COLOUR_LABELS.get(incident.colour, incident.colour),
            "timeline": timeline(incident),
            "response_minutes": (response_seconds(incident) or 0) / 60 if incident.at_scene_at else None,
            "printed_at": timezone.now(),
        },
    )
    pdf = render_pdf([html])
    audit.record_export(
        actor=actor,
        organization=incident.organization,
        what="ems.handover",
        filename=f"{incident.number}.pdf",
        rows=1,
        filters={"incident": incident.pk},
    )
    return pdf
