"""What iot shows on the case desk's case page (`AppContract.case_panels`, see `muang.cases.desk`): for a case
a device's alarm opened, the device, its latest values and the alarm. Prepared data: the template never
queries. The case page already decided who may read the case; the panel says nothing a case reader may not
know about the pole in front of them."""

from muang.cases.desk import CasePanel
from muang.cases.models import Case
from muang.core.access import Actor
from muang.iot.alarms.selectors import alarm_of_case, latest_of_device


def alarm_panel(*, actor: Actor, case: Case) -> CasePanel | None:
    alarm = alarm_of_case(organization_id=case.organization_id, case_id=case.pk)
    if alarm is None:
        return None
    device = alarm.device
    return CasePanel(
        key="iot-alarm",
        title=device.name,
        template="iot/_case_panel.html",
        context={
            "device": {
                "name": device.name,
                "serial": device.serial,
                "asset_ref": device.asset_ref,
                "state": device.get_state_display(),
                "last_seen": device.last_seen,
            },
            "latest": latest_of_device(alarm),
            "alarm": {
                "label": alarm.label,
                "severity": alarm.get_severity_display(),
                "severity_code": alarm.severity,
                "cleared": alarm.cleared_at is not None,
                "acknowledged": alarm.acknowledged_at is not None,
                "started_at": alarm.started_at,
                "cleared_at": alarm.cleared_at,
                "details": alarm.details,
            },
        },
        order=20,
    )
