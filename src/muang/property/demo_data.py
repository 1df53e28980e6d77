"""Fixed content of the demo tax map: Thai names, businesses, sign texts, and the demo valuation tables.

Prices are of the order of the Treasury appraisal of a district town in Khon Kaen for the 2566–2569 B.E.
round (ราคาประเมินทุนทรัพย์): clearly demo figures, not the official table.
"""

from __future__ import annotations

from decimal import Decimal

MALE_NAMES = [
    "สมชาย", "ประเสริฐ", "ธนากร", "อนุชา", "ณัฐวุฒิ", "บุญเลิศ", "วีระพงษ์", "ชยพล", "สมศักดิ์", "ประยุทธ",
    "สุรชัย", "วิชัย", "บุญมี", "ทองดี", "คำพันธ์", "สมบัติ", "อำนาจ", "เกียรติศักดิ์", "พงษ์ศักดิ์", "ศุภชัย",
    "ธีรวัฒน์", "กิตติพงษ์", "จักรพันธ์", "ไพโรจน์", "สุเมธ", "ถาวร", "บัวผัน", "หนูเพียร", "ชาญชัย", "ภานุวัฒน์",
]  # fmt: skip
FEMALE_NAMES = [
    "สมศรี", "วิไลวรรณ", "กนกพร", "สุดารัตน์", "พิมพ์ชนก", "จันทร์เพ็ญ", "ศิริพร", "อรอุมา", "บุญเรือน", "คำปุ่น",
    "ทองใบ", "มณีรัตน์", "ปราณี", "รัชนี", "สุภาพร", "นงลักษณ์", "อัมพร", "วันเพ็ญ", "ลำดวน", "บังอร",
    "ประภาพร", "กาญจนา", "ธิดารัตน์", "นิภาพร", "สายสุนีย์", "พรทิพย์", "อุไรวรรณ", "ดวงใจ", "เพ็ญศรี", "จิราพร",
]  # fmt: skip
LAST_NAMES = [
    "ศรีสุข", "ใจดี", "บุญมา", "แก้วมณี", "ทองคำ", "พรหมวงศ์", "สายสุวรรณ", "จันทร์หอม", "ภูผาทอง", "ชุมแพพัฒนา",
    "นามวงศ์", "ศรีวิชัย", "พลเยี่ยม", "โคตรชมภู", "ศรีบุญเรือง", "ภูมิโคกรักษ์", "แสนสุข", "บุตรดี", "คำหล้า",
    "วงศ์ไชยา", "ประทุมชาติ", "สีหาบุตร", "ดวงจันทร์", "มูลสาร", "ทองปาน", "เหล่าสมบัติ", "ศรีนวล", "ผิวขำ",
    "จำปาทอง", "อุดมศักดิ์", "บุญประคม", "นาคสุข", "หอมจันทร์", "ศรีภูมิ", "พันธ์โยธี", "สุวรรณไตรย์",
]  # fmt: skip

# (title, name): Owner.display_name is title + name, e.g. "บริษัทชุมแพค้าวัสดุ จำกัด".
BUSINESSES = [
    ("บริษัท", "ชุมแพค้าวัสดุ จำกัด"),
    ("บริษัท", "ภูผาม่านการเกษตร จำกัด"),
    ("ห้างหุ้นส่วนจำกัด", "ศรีสุขพาณิชย์"),
    ("ห้างหุ้นส่วนจำกัด", "โนนสะอาดก่อสร้าง"),
    ("บริษัท", "อีสานมอเตอร์ ชุมแพ จำกัด"),
    ("บริษัท", "ขอนแก่นน้ำตาล จำกัด"),
    ("บริษัท", "ชุมแพปิโตรเลียม จำกัด"),
    ("ห้างหุ้นส่วนจำกัด", "ทองคำเฟอร์นิเจอร์"),
    ("บริษัท", "พรหมวงศ์อสังหาริมทรัพย์ จำกัด"),
    ("บริษัท", "ไชยสอค้าข้าว จำกัด"),
    ("ห้างหุ้นส่วนจำกัด", "นาหนองทุ่มโลจิสติกส์"),
    ("บริษัท", "ชุมแพ เรสซิเดนซ์ จำกัด"),
]

# (text on the sign, sign type): 1 Thai only, 2 Thai with foreign text or a logo, 3 no Thai / Thai below.
SIGN_TEXTS = [
    ("ร้านชุมแพการช่าง ซ่อมรถจักรยานยนต์", 1),
    ("ร้านก๋วยเตี๋ยวเรือป้าแดง", 1),
    ("ร้านขายยาเภสัชชุมแพ", 1),
    ("ร้านทองเยาวราชชุมแพ", 1),
    ("ร้านวัสดุก่อสร้าง ศรีสุขพาณิชย์", 1),
    ("คลินิกทันตกรรม หมอฟันใจดี", 1),
    ("ร้านเสริมสวย บิวตี้ ชุมแพ BEAUTY", 2),
    ("มินิมาร์ท 24 ชม. MINI MART", 2),
    ("ร้านกาแฟ บ้านสวน CAFÉ", 2),
    ("อีสานมอเตอร์ HONDA ศูนย์บริการ", 2),
    ("ร้านมือถือ ชุมแพโฟน SAMSUNG OPPO", 2),
    ("ร้านหมูกระทะ ลุงหนวด + โลโก้", 2),
    ("ปั๊มน้ำมัน ชุมแพปิโตรเลียม PT", 2),
    ("SEVEN ELEVEN", 3),
    ("KFC", 3),
    ("HOMEPRO EXPRESS", 3),
    ("AIS Shop", 3),
]
SIGN_SIZES_CM = [(120, 60), (150, 80), (180, 90), (200, 100), (240, 120), (300, 100), (400, 150), (600, 200)]

# Treasury building types (code, description, baht per m² before depreciation): demo figures.
BUILDING_PRICES = [
    ("100", "บ้านเดี่ยว", Decimal("7950.00")),
    ("110", "บ้านแฝด", Decimal("7450.00")),
    ("200", "ห้องแถว", Decimal("6200.00")),
    ("210", "ทาวน์เฮ้าส์", Decimal("7100.00")),
    ("400", "ตึกแถว / อาคารพาณิชย์", Decimal("8650.00")),
    ("500", "โรงงาน / โกดังสินค้า", Decimal("4800.00")),
    ("600", "อาคารสำนักงาน", Decimal("12500.00")),
    ("700", "ห้องเย็น / อาคารเก็บผลผลิต", Decimal("5600.00")),
    ("800", "สถานีบริการน้ำมัน", Decimal("6900.00")),
    ("910", "โรงเรือนเกษตร / ยุ้งฉาง", Decimal("1850.00")),
    ("920", "คอกสัตว์", Decimal("1250.00")),
]
CONDO_PRICE = Decimal("26500.00")  # per m² of a unit, all floors
CONDO_TOP_FLOOR_PRICE = Decimal("28900.00")

# A tax map ring of the demo: where it lies (fraction of the organisation's radius), the lots it is cut
# into, its land-price range (baht per square wah) and its mix of uses and deeds.
RING_CORE, RING_TOWN, RING_FRINGE, RING_FARM = "core", "town", "fringe", "farm"
RING_LIMITS = {RING_CORE: 0.22, RING_TOWN: 0.45, RING_FRINGE: 0.68, RING_FARM: 1.0}
RING_SHARES = {RING_CORE: 0.28, RING_TOWN: 0.36, RING_FRINGE: 0.20, RING_FARM: 0.16}
# Lot size in metres (frontage, depth) inside a 200 m block (400 m for farm land).
RING_LOTS = {RING_CORE: (12, 24), RING_TOWN: (20, 40), RING_FRINGE: (40, 60), RING_FARM: (95, 190)}
RING_PRICES = {
    RING_CORE: (Decimal(14_000), Decimal(32_000)),
    RING_TOWN: (Decimal(4_200), Decimal(8_500)),
    RING_FRINGE: (Decimal(1_200), Decimal(2_800)),
    RING_FARM: (Decimal(160), Decimal(520)),
}
RING_USES = {
    RING_CORE: [("other", 42), ("mixed", 30), ("residential", 22), ("vacant", 6)],
    RING_TOWN: [("residential", 74), ("vacant", 12), ("other", 6), ("mixed", 5), ("agricultural", 3)],
    RING_FRINGE: [("residential", 38), ("agricultural", 34), ("vacant", 20), ("other", 8)],
    RING_FARM: [("agricultural", 86), ("vacant", 8), ("residential", 6)],
}
RING_DEEDS = {
    RING_CORE: [("chanote", 95), ("ns3k", 5)],
    RING_TOWN: [("chanote", 88), ("ns3k", 10), ("ns3", 2)],
    RING_FRINGE: [("chanote", 68), ("ns3k", 20), ("ns3", 8), ("sk1", 4)],
    RING_FARM: [("chanote", 44), ("ns3k", 24), ("spk", 16), ("ns3", 6), ("sk1", 4), ("pbt5", 4), ("none", 2)],
}
VILLAGE_NAMES = ["บ้านชุมแพ", "บ้านโนนสะอาด", "บ้านหนองไผ่", "บ้านโคกสูง", "บ้านนาเจริญ", "บ้านหนองแวง"]
ROAD_NAMES = ["ถนนมะลิวัลย์", "ถนนสุขาภิบาล 1", "ถนนประชาสโมสร", "ถนนหน้าเมือง", "ถนนชุมแพ-ภูเขียว"]
