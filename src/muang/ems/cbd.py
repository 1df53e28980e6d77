"""Criteria Based Dispatch (CBD) as data: the 25 symptom groups of the national EMS institute's call-taking
protocol and, for each, the criteria a call-taker asks about, each giving a pre-hospital triage colour.

A dispatch code is written group + colour + criterion number ("2 แดง 1": group 2, red, its first red criterion).
The colours are the pre-hospital ones (EMS committee announcement B.E. 2554): red critical, yellow urgent, green
non-severe, white non-emergency, black other public-health services; hospital ER triage is another scale.

The criteria below are the ones the demo municipality uses at its call desk (the most frequent, not the full
national manual): a deployment extends `GROUPS` from the manual it trains its call-takers with. Group titles follow
the national manual's numbering; check them against the edition in use. Numbers within a colour count from 1.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class Colour:
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"
    WHITE = "white"
    BLACK = "black"


COLOURS = (Colour.RED, Colour.YELLOW, Colour.GREEN, Colour.WHITE, Colour.BLACK)
# How a dispatch code spells the colour: Thai, as the 1669 centres write it, whatever the reader's language.
COLOUR_CODE_WORD = {
    Colour.RED: "แดง",
    Colour.YELLOW: "เหลือง",
    Colour.GREEN: "เขียว",
    Colour.WHITE: "ขาว",
    Colour.BLACK: "ดำ",
}
COLOUR_LABELS = {
    Colour.RED: _("red (critical)"),
    Colour.YELLOW: _("yellow (urgent)"),
    Colour.GREEN: _("green (non-severe)"),
    Colour.WHITE: _("white (non-emergency)"),
    Colour.BLACK: _("black (other public-health service)"),
}
COLOUR_RANK = {c: i for i, c in enumerate(COLOURS)}  # red first


@dataclass(frozen=True)
class Criterion:
    group: int
    colour: str
    number: int
    text: str

    @property
    def code(self) -> str:
        """The dispatch code, e.g. "6 แดง 1"."""
        return f"{self.group} {COLOUR_CODE_WORD[self.colour]} {self.number}"

    @property
    def key(self) -> str:
        """A stable key for forms and the API: "6-red-1"."""
        return f"{self.group}-{self.colour}-{self.number}"


@dataclass(frozen=True)
class Group:
    number: int
    title: str
    criteria: tuple[Criterion, ...]


def _group(number: int, title: str, *criteria: tuple[str, str]) -> Group:
    counters: dict[str, int] = {}
    built = []
    for colour, text in criteria:
        counters[colour] = counters.get(colour, 0) + 1
        built.append(Criterion(number, colour, counters[colour], text))
    return Group(number, title, tuple(built))


R, Y, G, W = Colour.RED, Colour.YELLOW, Colour.GREEN, Colour.WHITE
# Thai as the national manual words it (the call-taker's language); these are data, not interface labels.
GROUPS: tuple[Group, ...] = (
    _group(1, "ปวดท้อง/หลัง/เชิงกราน/ขาหนีบ",
           (R, "ปวดท้องร่วมกับหมดสติหรือซึมมาก"), (Y, "ปวดท้องรุนแรงร่วมกับเหงื่อแตก ตัวเย็น"),
           (G, "ปวดท้องพอทนได้ ไม่มีอาการอื่น"), (W, "ปวดเรื้อรัง ไม่เปลี่ยนแปลง")),
    _group(2, "แพ้ยา/แพ้สาร/แอนาฟิแล็กซิส",
           (R, "หายใจลำบาก หรือหน้าบวม ปากบวม เสียงแหบ"), (Y, "ผื่นทั้งตัวร่วมกับใจสั่น เวียนศีรษะ"),
           (G, "ผื่นคันเฉพาะที่")),
    _group(3, "สัตว์กัด",
           (R, "งูกัดแล้วหายใจลำบาก หนังตาตก หรือหมดสติ"), (Y, "งูพิษกัด ยังรู้สึกตัวดี"),
           (G, "สุนัขหรือแมวกัด แผลเล็ก เลือดหยุดแล้ว")),
    _group(4, "เลือดออก (ไม่มีสาเหตุจากการบาดเจ็บ)",
           (R, "เลือดออกมากร่วมกับซึม ตัวเย็น ชีพจรเร็ว"), (Y, "อาเจียนหรือถ่ายเป็นเลือด ยังรู้สึกตัวดี"),
           (G, "เลือดกำเดาไหล หยุดเองได้")),
    _group(5, "หายใจลำบาก/ติดขัด",
           (R, "หายใจลำบากมาก พูดไม่เป็นประโยค หรือริมฝีปากเขียว"), (Y, "หายใจเหนื่อย พูดได้เป็นประโยคสั้น"),
           (G, "หอบเล็กน้อย ใช้ยาพ่นแล้วดีขึ้น")),
    _group(6, "หัวใจหยุดเต้น",
           (R, "ไม่รู้สึกตัวและไม่หายใจ หรือหายใจเฮือก"),),
    _group(7, "เจ็บแน่นทรวงอก/หัวใจ",
           (R, "เจ็บแน่นหน้าอกร่วมกับเหงื่อแตก ใจสั่น หรือหมดสติ"), (Y, "เจ็บหน้าอก อายุมากกว่า 30 ปี รู้สึกตัวดี"),
           (G, "เจ็บหน้าอกเมื่อขยับหรือกด")),
    _group(8, "สำลักอุดทางหายใจ",
           (R, "พูดไม่ได้ ไอไม่ออก หรือหมดสติ"), (Y, "ยังไอได้ หายใจได้")),
    _group(9, "เบาหวาน",
           (R, "ผู้ป่วยเบาหวานไม่รู้สึกตัว หรือชัก"), (Y, "ซึม สับสน เหงื่อแตก ตัวเย็น"),
           (G, "น้ำตาลสูงหรือต่ำ รู้สึกตัวดี กินได้")),
    _group(10, "ภาวะฉุกเฉินเหตุสภาวะแวดล้อม",
           (R, "ลมแดด ตัวร้อนจัดร่วมกับซึมหรือชัก"), (Y, "อ่อนเพลียจากความร้อน เวียนศีรษะ")),
    _group(11, "ปวดศีรษะ/ตา/หู/คอ/จมูก",
           (R, "ปวดศีรษะรุนแรงทันทีร่วมกับแขนขาอ่อนแรงหรือซึม"), (Y, "สารเคมีเข้าตา"),
           (G, "ปวดศีรษะ รู้สึกตัวดี ไม่มีอาการอื่น")),
    _group(12, "คลุ้มคลั่ง/ภาวะทางจิตประสาท/อารมณ์",
           (R, "พยายามทำร้ายตนเองหรือผู้อื่นและบาดเจ็บแล้ว"), (Y, "คลุ้มคลั่ง ควบคุมไม่ได้ ยังไม่บาดเจ็บ"),
           (G, "วิตกกังวล สงบลงได้")),
    _group(13, "ยาเกินขนาด/ได้รับพิษ",
           (R, "กินยาหรือสารพิษแล้วซึม หมดสติ หรือชัก"), (Y, "กินยาเกินขนาด ยังรู้สึกตัวดี"),
           (G, "สัมผัสสารเล็กน้อย ไม่มีอาการ")),
    _group(14, "มีครรภ์/คลอด/นรีเวช",
           (R, "ตกเลือดมาก หรือเห็นส่วนของทารกนอกจากศีรษะ"), (Y, "เจ็บครรภ์คลอดถี่ น้ำเดิน"),
           (G, "เจ็บครรภ์ไม่สม่ำเสมอ")),
    _group(15, "ชัก",
           (R, "ชักต่อเนื่อง หรือชักซ้ำโดยไม่รู้สึกตัวระหว่างชัก"), (Y, "ชักครั้งแรก หยุดแล้ว ยังซึม"),
           (G, "ผู้ป่วยลมชักเดิม ชักหยุดแล้ว รู้สึกตัวดี")),
    _group(16, "ป่วย/อ่อนเพลีย/อัมพาตเรื้อรัง/อื่นๆ",
           (Y, "อ่อนเพลียมาก ลุกไม่ได้ ร่วมกับไข้สูง"), (G, "อ่อนเพลีย เดินได้"),
           (W, "ผู้ป่วยติดเตียงต้องการเคลื่อนย้ายตามนัด")),
    _group(17, "อัมพาต/สัญญาณบ่งบอกอัมพาตเฉียบพลัน",
           (R, "หน้าเบี้ยว ปากเบี้ยว แขนขาอ่อนแรงภายใน 4.5 ชั่วโมง ร่วมกับซึม"),
           (Y, "หน้าเบี้ยว พูดไม่ชัด แขนขาอ่อนแรงเฉียบพลัน รู้สึกตัวดี")),
    _group(18, "ปัญหาทางเดินปัสสาวะ",
           (Y, "ปัสสาวะไม่ออกร่วมกับปวดท้องน้อยมาก"), (G, "ปัสสาวะแสบขัด มีไข้")),
    _group(19, "หมดสติ/ไม่ตอบสนอง/หมดสติชั่ววูบ",
           (R, "ไม่รู้สึกตัว ปลุกไม่ตื่น แต่ยังหายใจ"), (Y, "หมดสติชั่ววูบ ฟื้นแล้ว ยังซึม"),
           (G, "เป็นลม ฟื้นแล้ว รู้สึกตัวดี")),
    _group(20, "เด็ก/กุมารเวช",
           (R, "เด็กหายใจลำบาก ตัวเขียว หรือไม่ตอบสนอง"), (Y, "เด็กไข้สูงร่วมกับซึม"),
           (G, "เด็กไข้ ยังเล่นได้")),
    _group(21, "ถูกทำร้าย/บาดเจ็บ",
           (R, "ถูกยิงหรือแทงที่ศีรษะ คอ ลำตัว"), (Y, "บาดแผลเลือดออก ห้ามเลือดได้"),
           (G, "ฟกช้ำ แผลถลอก")),
    _group(22, "แผลไหม้/ลวก/ไฟฟ้า/สารเคมี",
           (R, "ไฟฟ้าดูดแล้วหมดสติ หรือไฟไหม้ใบหน้าและทางเดินหายใจ"), (Y, "แผลไหม้เป็นบริเวณกว้าง"),
           (G, "แผลไหม้เล็กน้อย")),
    _group(23, "จมน้ำ/บาดเจ็บทางน้ำ",
           (R, "จมน้ำแล้วไม่หายใจ หรือหมดสติ"), (Y, "จมน้ำ ช่วยขึ้นมาแล้ว ไอ หายใจเหนื่อย")),
    _group(24, "พลัดตกหกล้ม/อุบัติเหตุ/บาดเจ็บ",
           (R, "ตกจากที่สูงแล้วหมดสติ หรือหายใจลำบาก"), (Y, "ล้มแล้วลุกไม่ได้ สงสัยกระดูกสะโพกหรือขาหัก"),
           (G, "ล้ม แผลถลอก เดินได้")),
    _group(25, "อุบัติเหตุยานยนต์",
           (R, "ผู้บาดเจ็บติดในรถ หมดสติ หรือหายใจลำบาก"), (Y, "บาดเจ็บ เลือดออก ยังรู้สึกตัวดี"),
           (G, "บาดเจ็บเล็กน้อย เดินได้")),
)  # fmt: skip

_BY_KEY = {c.key: c for g in GROUPS for c in g.criteria}
_GROUPS = {g.number: g for g in GROUPS}


def criterion(key: str) -> Criterion | None:
    """The criterion of a key such as "6-red-1", or None."""
    return _BY_KEY.get(key)


def criteria_of(number: int) -> list[Criterion]:
    """A symptom group's criteria, red first (what the call-taker starts from for a wristband alert)."""
    group = _GROUPS.get(number)
    return list(group.criteria) if group else []


def group_title(number: int) -> str:
    group = _GROUPS.get(number)
    return group.title if group else ""


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """For a <select>: one <optgroup> a symptom group, one option a criterion, labelled with its code."""
    return [(f"{g.number}. {g.title}", [(c.key, f"{c.code} — {c.text}") for c in g.criteria]) for g in GROUPS]
