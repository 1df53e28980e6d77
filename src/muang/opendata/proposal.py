"""The draft of a depa smart-city proposal (ข้อเสนอเมืองอัจฉริยะ), in Thai, filled from what Muang knows: the
organisation and its area, its figures (the KPI sources every installed app declares in its contract, over the
last twelve months: no dependency on the `kpi` app), the modules it uses, and its open datasets (the City Data
Platform). depa asks for the area and goals, the investment plan, the city data platform, the solutions and the
management model: the last two-thirds are the city's to write, so the draft leaves them as headed blanks.

A PDF (WeasyPrint, already Muang's PDF engine, with a Thai font) and the same draft as an editable Word document
(`opendata/docx.py`, the standard library's zipfile): no new dependency."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from muang.core import registry
from muang.core.models import Organization
from muang.core.templatetags.thai import format_thai_date
from muang.core.thai_dates import bangkok_date
from muang.opendata import selectors, vocab

log = logging.getLogger(__name__)

UNIT_TH = {"%": "%", "days": "วัน", "THB": "บาท", "count": "รายการ", "stars": "ดาว"}


@dataclass(frozen=True)
class Figure:
    label: str
    value: Decimal | None
    unit: str
    better: str


def figures(organization: Organization, *, today: dt.date) -> list[Figure]:
    start, end = today - dt.timedelta(days=365), today - dt.timedelta(days=1)
    out = []
    for source in registry.kpi_sources():
        try:
            value = import_string(source.selector)(organization=organization, start=start, end=end)
        except Exception:  # a broken source leaves its line empty, not the whole draft
            log.exception("KPI source %s failed for %s", source.code, organization.slug)
            value = None
        if isinstance(value, float | int):
            value = Decimal(str(value))
        if isinstance(value, Decimal):
            value = value.quantize(Decimal("0.01"))
        better = "มากยิ่งดี" if source.direction == "up" else "น้อยยิ่งดี"
        out.append(Figure(str(source.label), value, UNIT_TH.get(source.unit, source.unit), better))
    return out


def modules() -> list[str]:
    """The installed apps' names (their verbose names, in Thai)."""
    return [str(apps.get_app_config(p.label).verbose_name) for p in registry.contracts() if p.label != "core"]


def area_km2(organization: Organization) -> Decimal | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Area(boundary::geography) / 1e6 FROM core_organization WHERE id = %s",
            [organization.pk],
        )
        (value,) = cursor.fetchone()
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def proposal_context(*, organization: Organization, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = bangkok_date(now)
    with translation.override("th"):
        publications = list(selectors.published(organization=organization))
        files = selectors.distributions_of(publications)
        datasets = [
            {
                "title": p.title,
                "frequency": vocab.GD_FREQUENCY[p.frequency],
                "formats": ", ".join(d.get_format_display() for d in files[p.pk]),
                "rows": p.row_count,
            }
            for p in publications
        ]
        return {
            "organization": organization,
            "kind": organization.get_kind_display(),
            "province": getattr(organization.province, "name_th", ""),
            "district": getattr(organization.district, "name_th", ""),
            "area_km2": area_km2(organization),
            "figures": figures(organization, today=today),
            "modules": modules(),
            "datasets": datasets,
            "today": today,
        }


def proposal_html(*, organization: Organization, now: dt.datetime | None = None) -> str:
    with translation.override("th"):
        return render_to_string(
            "opendata/proposal.html", proposal_context(organization=organization, now=now)
        )


def proposal_pdf(*, organization: Organization) -> bytes:
    import weasyprint  # imported late: it loads Pango and fonts, which only PDF requests need

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    return weasyprint.HTML(string=proposal_html(organization=organization), base_url=None).write_pdf()


def proposal_docx(*, organization: Organization, now: dt.datetime | None = None) -> bytes:
    """The same draft as an editable Word document: the city fills in the blanks before it sends it."""
    from muang.opendata.docx import Heading, Paragraph, Table, document

    c = proposal_context(organization=organization, now=now)
    blank = "(โปรดระบุ)"
    place = (f"อำเภอ{c['district']} " if c["district"] else "") + f"จังหวัด{c['province']}"
    figures_rows = [["ตัวชี้วัด", "ค่าปัจจุบัน", "หน่วย", "ทิศทาง"]] + [
        [f.label, str(f.value) if f.value is not None else "ยังไม่มีข้อมูล", f.unit, f.better]
        for f in c["figures"]
    ]
    dataset_rows = [["ชุดข้อมูล", "ความถี่ในการปรับปรุง", "รูปแบบ", "จำนวนระเบียน"]] + [
        [d["title"], d["frequency"], d["formats"], str(d["rows"])] for d in c["datasets"]
    ]
    blocks = [
        Heading("ข้อเสนอการพัฒนาเมืองอัจฉริยะ (ร่าง)", style="Title"),
        Paragraph(f"{organization.name_th} · เสนอต่อสำนักงานส่งเสริมเศรษฐกิจดิจิทัล (depa)"),
        Paragraph(
            f"จัดทำร่างจากข้อมูลในระบบ Muang เมื่อ {format_thai_date(c['today'], 'long', 'th')}", italic=True
        ),
        Heading("1. พื้นที่และเป้าหมายของเมือง"),
        Table(
            [
                ["หัวข้อ", "ข้อมูล"],
                ["องค์กรปกครองส่วนท้องถิ่น", f"{organization.name_th} ({c['kind']})"],
                ["ที่ตั้ง", place],
                ["พื้นที่", f"{c['area_km2']} ตารางกิโลเมตร" if c["area_km2"] else blank],
                ["รหัส อปท.", organization.dla_code or blank],
            ]
        ),
        Paragraph("ตัวชี้วัดที่ระบบวัดได้จริง ย้อนหลัง 12 เดือน (ใช้เป็นค่าฐานของเป้าหมาย):"),
        Table(figures_rows),
        Paragraph(f"เป้าหมายของเมืองในแต่ละด้าน: {blank}"),
        Heading("2. แผนการลงทุน"),
        Paragraph(f"งบประมาณ แหล่งเงิน และระยะเวลาของแต่ละโครงการ: {blank}"),
        Heading("3. แพลตฟอร์มข้อมูลเมือง (City Data Platform)"),
        Paragraph(
            "ระบบ Muang เปิดข้อมูลตามมาตรฐาน DCAT-AP และ API แบบ CKAN ให้ศูนย์ข้อมูลเปิดภาครัฐเก็บเกี่ยวได้ "
            "และให้บริการข้อมูลอุปกรณ์ IoT ตามมาตรฐาน NGSI-LD ชุดข้อมูลที่เผยแพร่แล้ว:"
        ),
        Table(dataset_rows) if c["datasets"] else Paragraph("ยังไม่ได้เผยแพร่ชุดข้อมูล"),
        Heading("4. บริการเมืองอัจฉริยะที่ใช้งาน"),
        *[Paragraph(f"• {m}") for m in c["modules"]],
        Paragraph(f"บริการที่จะพัฒนาเพิ่มเติม: {blank}"),
        Heading("5. รูปแบบการบริหารจัดการ"),
        Paragraph(f"คณะทำงาน หน่วยงานรับผิดชอบ และการมีส่วนร่วมของภาคเอกชนและประชาชน: {blank}"),
    ]
    return document(blocks)
