"""The metadata vocabularies of a published dataset: the Thai government data catalogue's fields (รายการ
คำอธิบายชุดข้อมูล of the Digital Government Development Agency's catalogue, as data.go.th's CKAN stores them)
with their Thai labels, and the DCAT-AP terms each maps to."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from muang.core.geo import GEOJSON_CONTENT_TYPE

EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_ACCESS = "http://publications.europa.eu/resource/authority/access-right/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


class DataType(models.TextChoices):
    """ประเภทชุดข้อมูล."""

    RECORD = "record", _("record data")  # ข้อมูลระเบียน
    STATISTICAL = "statistical", _("statistical data")  # ข้อมูลสถิติ
    GEOSPATIAL = "geospatial", _("geospatial data")  # ข้อมูลภูมิสารสนเทศเชิงพื้นที่
    MULTIPLE = "multiple", _("multiple types")  # ข้อมูลหลากหลายประเภท
    OTHER = "other", _("other data")  # ข้อมูลประเภทอื่นๆ


class Objective(models.TextChoices):
    """วัตถุประสงค์."""

    PUBLIC_SERVICE = "public_service", _("to serve the public")  # เพื่อการให้บริการประชาชน
    ANALYSIS = "analysis", _("for analysis or research")  # การวิเคราะห์ข้อมูลหรือการวิจัย
    MISSION_REPORT = "mission_report", _("reporting on the mission")  # การจัดทำรายงานตามพันธกิจ
    LEGAL_REPORT = "legal_report", _("reporting required by law")  # การจัดทำรายงานตามกฎหมาย
    OTHER = "other", _("other")


class Frequency(models.TextChoices):
    """ความถี่ของการปรับปรุงข้อมูล; how often Muang rebuilds the files, and the EU frequency URI."""

    REALTIME = "realtime", _("real time")
    HOURLY = "hourly", _("hourly")
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    YEARLY = "yearly", _("yearly")


FREQUENCY_SECONDS = {
    Frequency.REALTIME: 900,
    Frequency.HOURLY: 3600,
    Frequency.DAILY: 86400,
    Frequency.WEEKLY: 7 * 86400,
    Frequency.MONTHLY: 30 * 86400,
    Frequency.QUARTERLY: 91 * 86400,
    Frequency.YEARLY: 365 * 86400,
}
FREQUENCY_URI = {
    Frequency.REALTIME: EU_FREQUENCY + "CONT",
    Frequency.HOURLY: EU_FREQUENCY + "HOURLY",
    Frequency.DAILY: EU_FREQUENCY + "DAILY",
    Frequency.WEEKLY: EU_FREQUENCY + "WEEKLY",
    Frequency.MONTHLY: EU_FREQUENCY + "MONTHLY",
    Frequency.QUARTERLY: EU_FREQUENCY + "QUARTERLY",
    Frequency.YEARLY: EU_FREQUENCY + "ANNUAL",
}


class GeoCoverage(models.TextChoices):
    """ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่: a local government's data covers its own area."""

    LOCAL = "local", _("the local government's area")  # พื้นที่องค์กรปกครองส่วนท้องถิ่น
    SUBDISTRICT = "subdistrict", _("subdistrict")  # ตำบล
    DISTRICT = "district", _("district")  # อำเภอ
    PROVINCE = "province", _("province")  # จังหวัด


class Classification(models.TextChoices):
    """หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ: only public data is ever published here."""

    PUBLIC = "public", _("public data")  # ข้อมูลสาธารณะ


class Licence(models.TextChoices):
    CC_BY_4 = "cc-by-4.0", _("Creative Commons Attribution 4.0")
    ODC_BY = "odc-by", _("Open Data Commons Attribution")
    CC0 = "cc-zero", _("Creative Commons CC0 (public domain)")


LICENCE_URI = {
    Licence.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/",
    Licence.ODC_BY: "https://opendatacommons.org/licenses/by/1-0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}


class Format(models.TextChoices):
    CSV = "csv", "CSV"
    GEOJSON = "geojson", "GeoJSON"
    XLSX = "xlsx", "XLSX"


MEDIA_TYPE = {
    Format.CSV: "text/csv",
    Format.GEOJSON: GEOJSON_CONTENT_TYPE,
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_TYPE_URI = {
    Format.CSV: EU_FILE_TYPE + "CSV",
    Format.GEOJSON: EU_FILE_TYPE + "GEOJSON",
    Format.XLSX: EU_FILE_TYPE + "XLSX",
}


# The Thai government data catalogue's values, in its own words (what data.go.th's CKAN stores).
GD_DATA_TYPE = {
    DataType.RECORD: "ข้อมูลระเบียน",
    DataType.STATISTICAL: "ข้อมูลสถิติ",
    DataType.GEOSPATIAL: "ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
    DataType.MULTIPLE: "ข้อมูลหลากหลายประเภท",
    DataType.OTHER: "ข้อมูลประเภทอื่นๆ",
}
GD_OBJECTIVE = {
    Objective.PUBLIC_SERVICE: "เพื่อการให้บริการประชาชน",
    Objective.ANALYSIS: "การวิเคราะห์ข้อมูลหรือการวิจัย",
    Objective.MISSION_REPORT: "การจัดทำรายงานตามพันธกิจ",
    Objective.LEGAL_REPORT: "การจัดทำรายงานตามกฎหมาย",
    Objective.OTHER: "อื่นๆ",
}
# (unit, interval) as the catalogue stores the update frequency, and one phrase for people.
GD_FREQUENCY_UNIT = {
    Frequency.REALTIME: ("ตามเวลาจริง", 0),
    Frequency.HOURLY: ("ชั่วโมง", 1),
    Frequency.DAILY: ("วัน", 1),
    Frequency.WEEKLY: ("สัปดาห์", 1),
    Frequency.MONTHLY: ("เดือน", 1),
    Frequency.QUARTERLY: ("ไตรมาส", 1),
    Frequency.YEARLY: ("ปี", 1),
}
GD_FREQUENCY = {
    Frequency.REALTIME: "ตามเวลาจริง",
    Frequency.HOURLY: "รายชั่วโมง",
    Frequency.DAILY: "รายวัน",
    Frequency.WEEKLY: "รายสัปดาห์",
    Frequency.MONTHLY: "รายเดือน",
    Frequency.QUARTERLY: "รายไตรมาส",
    Frequency.YEARLY: "รายปี",
}
GD_GEO_COVERAGE = {
    GeoCoverage.LOCAL: "องค์กรปกครองส่วนท้องถิ่น",
    GeoCoverage.SUBDISTRICT: "ตำบล",
    GeoCoverage.DISTRICT: "อำเภอ",
    GeoCoverage.PROVINCE: "จังหวัด",
}
GD_CLASSIFICATION = {Classification.PUBLIC: "ข้อมูลสาธารณะ"}
GD_LICENCE = {
    Licence.CC_BY_4: "Creative Commons Attributions 4.0",
    Licence.ODC_BY: "Open Data Commons Attribution License",
    Licence.CC0: "Creative Commons CCZero",
}
