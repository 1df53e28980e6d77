"""The Thai AQI of the Pollution Control Department, as data: ประกาศกรมควบคุมมลพิษ เรื่อง เกณฑ์ดัชนีคุณภาพอากาศของ
ประเทศไทย, พ.ศ. 2566 (in force 1 June 2023; ../shared/THAI-RULES.md §11). PM2.5 24-hour 0–15.0, 15.1–25.0,
25.1–37.5, 37.6–75.0, ≥ 75.1 µg/m³; PM10 24-hour 0–50, 51–80, 81–120, 121–180, ≥ 181 µg/m³; AQI 0–25, 26–50,
51–100, 101–200, ≥ 201; blue, green, yellow, orange, red. Written into the AqiBand rows by migration 0002; a
later notice is a new module and a data migration that updates the rows, not a code change."""

from decimal import Decimal as D

NOTICE = "ประกาศกรมควบคุมมลพิษ เรื่อง เกณฑ์ดัชนีคุณภาพอากาศของประเทศไทย พ.ศ. 2566"
LEVELS = [
    # (AQI from, to, colour, hex, Thai, English, Thai advice, English advice, alerts the followers)
    (0, 25, "blue", "#3bccff", "ดีมาก", "Very good",
     "คุณภาพอากาศดีมาก เหมาะสำหรับกิจกรรมกลางแจ้งและการท่องเที่ยว",
     "Very good air: fine for outdoor activities and travel.", False),
    (26, 50, "green", "#00b050", "ดี", "Good",
     "คุณภาพอากาศดี สามารถทำกิจกรรมกลางแจ้งและการท่องเที่ยวได้ตามปกติ",
     "Good air: outdoor activities and travel as usual.", False),
    (51, 100, "yellow", "#ffc000", "ปานกลาง", "Moderate",
     "ประชาชนทั่วไปทำกิจกรรมกลางแจ้งได้ตามปกติ ผู้ที่ต้องดูแลสุขภาพเป็นพิเศษ หากมีอาการ เช่น ไอ หายใจลำบาก "
     "ระคายเคืองตา ควรลดระยะเวลาการทำกิจกรรมกลางแจ้ง",
     "Everyone may be outdoors as usual; people with health conditions who cough, breathe with difficulty or "
     "have sore eyes should spend less time outdoors.", False),
    (101, 200, "orange", "#ff7b00", "เริ่มมีผลกระทบต่อสุขภาพ", "Starting to affect health",
     "ประชาชนทั่วไปควรเฝ้าระวังสุขภาพ ลดระยะเวลาการทำกิจกรรมกลางแจ้ง หรือใช้อุปกรณ์ป้องกันตนเองหากจำเป็น "
     "ผู้ที่ต้องดูแลสุขภาพเป็นพิเศษ หากมีอาการ เช่น ไอ หายใจลำบาก แน่นหน้าอก ควรปรึกษาแพทย์",
     "Watch your health: spend less time outdoors or wear a mask if you must go out; people with health "
     "conditions who cough, breathe with difficulty or have chest pain should see a doctor.", True),
    (201, None, "red", "#e60000", "มีผลกระทบต่อสุขภาพ", "Affects health",
     "ทุกคนควรหลีกเลี่ยงกิจกรรมกลางแจ้ง หลีกเลี่ยงพื้นที่ที่มีมลพิษทางอากาศสูง หรือใช้อุปกรณ์ป้องกันตนเองหากจำเป็น "
     "หากมีอาการทางสุขภาพควรปรึกษาแพทย์",
     "Everyone should avoid outdoor activities and polluted places, or wear a mask if they must go out; "
     "see a doctor if you feel unwell.", True),
]  # fmt: skip
# (pollutant, decimals, [(from, to)]) in µg/m³, 24-hour means
CONCENTRATIONS = [
    ("pm25", 1, [(D("0.0"), D("15.0")), (D("15.1"), D("25.0")), (D("25.1"), D("37.5")), (D("37.6"), D("75.0")),
                 (D("75.1"), None)]),
    ("pm10", 0, [(D("0"), D("50")), (D("51"), D("80")), (D("81"), D("120")), (D("121"), D("180")), (D("181"), None)]),
]  # fmt: skip


def seed(AqiBand) -> None:
    """Write the notice's bands (idempotent)."""
    for pollutant, decimals, bounds in CONCENTRATIONS:
        for rank, ((low, high), level) in enumerate(zip(bounds, LEVELS, strict=True)):
            i_low, i_high, colour, hex_, th, en, advice_th, advice_en, alerts = level
            AqiBand.objects.update_or_create(
                pollutant=pollutant,
                rank=rank,
                defaults={
                    "low": low,
                    "high": high,
                    "decimals": decimals,
                    "index_low": i_low,
                    "index_high": i_high,
                    "colour": colour,
                    "colour_hex": hex_,
                    "name_th": th,
                    "name_en": en,
                    "advice_th": advice_th,
                    "advice_en": advice_en,
                    "alerts": alerts,
                    "notice": NOTICE,
                },
            )
