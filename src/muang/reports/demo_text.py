"""Demo data for report categorisation: category names, default keyword rules, and a text generator.

The generator writes plausible Thai citizen reports the way they arrive through LINE and the web form:
short or rambling, polite or blunt, with colloquial spellings, elongated words, typos, places that
mention other categories' words ("แยกไฟแดง", "ใกล้จุดวางถังขยะ"), now and then a second complaint about
something else (sometimes mentioned first), and a few photo-first reports ("ตามรูปเลยครับ") that the
text alone can't classify. No single word separates the categories: the default keyword rules get
about half right. Held-out accuracy on this data still flatters a model, because test reports reuse
the phrases of training reports; real reports will score lower.

Everything is data plus a seeded ``random.Random``: the same ``(n, seed)`` always gives the same reports.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import NamedTuple

# code -> (Thai name, English name). Codes are stable identifiers stored in the database.
CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "road": ("ถนนชำรุด", "Damaged road"),
    "streetlight": ("ไฟส่องสว่างชำรุด", "Street light out"),
    "garbage": ("การเก็บขยะ", "Garbage collection"),
    "drainage_flood": ("ท่อระบายน้ำและน้ำท่วมขัง", "Drainage and flooding"),
    "water_supply": ("น้ำประปา", "Water supply"),
    "tree": ("ต้นไม้และกิ่งไม้", "Trees and branches"),
    "stray_animal": ("สัตว์จรจัด", "Stray animals"),
    "noise": ("เสียงรบกวน", "Noise"),
    "illegal_dumping": ("ลักลอบทิ้งขยะ", "Illegal dumping"),
    "sidewalk": ("ทางเท้า", "Sidewalk"),
    "traffic_sign": ("ป้ายและสัญญาณจราจร", "Traffic signs and signals"),
    "other": ("อื่น ๆ", "Other"),
}

# Starting keyword rules, used until an organisation has enough triaged reports to train a model.
# Matching is on normalised text with spaces removed, so a keyword may span several words.
# Keep keywords specific: a short one such as "บ่อ" would also match "บ่อย" ("often").
# "other" has no keywords on purpose: rules only suggest something they recognise.
DEFAULT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "road": (
        "ถนนชำรุด",
        "ถนนพัง",
        "ถนนทรุด",
        "ถนนยุบ",
        "ถนนแตก",
        "หลุมบ่อ",
        "ผิวถนน",
        "ลาดยาง",
        "ยางมะตอย",
        "ปะถนน",
    ),
    "streetlight": ("ไฟส่องสว่าง", "ไฟทาง", "ไฟถนน", "ไฟกิ่ง", "โคมไฟ", "หลอดไฟ"),
    "garbage": ("เก็บขยะ", "รถขยะ", "ถังขยะ", "ขยะล้น", "ขยะตกค้าง"),
    "drainage_flood": ("น้ำท่วม", "ท่อระบายน้ำ", "ท่อตัน", "ท่ออุดตัน", "รางระบายน้ำ", "ลอกท่อ", "น้ำขัง"),
    "water_supply": ("ประปา", "ปะปา", "น้ำไม่ไหล", "ท่อน้ำ", "ท่อแตก", "น้ำรั่ว", "มิเตอร์น้ำ"),
    "tree": ("ต้นไม้", "กิ่งไม้", "ตัดกิ่ง", "ไม้ล้ม"),
    "stray_animal": ("หมาจร", "สุนัขจร", "แมวจร", "จรจัด", "พิษสุนัขบ้า", "งูเข้าบ้าน"),
    "noise": ("เสียงดัง", "เสียงรบกวน", "คาราโอเกะ", "ลำโพง", "เปิดเพลง"),
    "illegal_dumping": ("ลักลอบทิ้ง", "แอบทิ้ง", "แอบเอาขยะมาทิ้ง", "วัสดุก่อสร้าง"),
    "sidewalk": ("ทางเท้า", "ฟุตบาท", "ฟุตปาธ", "บล็อกปู", "อิฐตัวหนอน"),
    "traffic_sign": ("ป้ายจราจร", "ไฟจราจร", "สัญญาณไฟ", "ไฟแดง", "ม้าลาย", "ป้ายบอกทาง", "กระจกโค้ง", "ตีเส้น"),
    "other": (),
}

# How often each category turns up in the demo data; roughly what a municipality's inbox looks like.
CATEGORY_WEIGHTS: dict[str, int] = {
    "road": 14,
    "streetlight": 14,
    "garbage": 12,
    "drainage_flood": 10,
    "water_supply": 8,
    "tree": 7,
    "stray_animal": 7,
    "noise": 7,
    "illegal_dumping": 5,
    "sidewalk": 5,
    "traffic_sign": 5,
    "other": 6,
}


class _Phrases(NamedTuple):
    problems: tuple[str, ...]  # the complaint itself; always present
    impacts: tuple[str, ...]  # why it matters; often present
    requests: tuple[str, ...]  # category-specific asks; mixed with generic ones


_PHRASES: dict[str, _Phrases] = {
    "road": _Phrases(
        problems=(
            "ถนนเป็นหลุมเป็นบ่อ",
            "ถนนเป็นหลุมใหญ่มาก",
            "มีหลุมลึกกลางถนน",
            "ผิวถนนแตกร้าวเป็นแนวยาว",
            "ถนนคอนกรีตทรุดตัว",
            "ถนนลาดยางยุบเป็นแอ่ง",
            "ยางมะตอยหลุดล่อนเป็นหย่อมๆ",
            "ถนนยุบตรงรอยต่อสะพาน",
            "ถนนลูกรังเป็นร่องลึก ฝนตกทีไรเละเป็นโคลน",
            "ถนนพังเพราะรถบรรทุกวิ่งทุกวัน",
            "ไหล่ทางพัง ขอบถนนโดนน้ำกัดเซาะ",
            "ถนนเป็นคลื่น ขับรถแล้วกระเด้ง",
            "ลูกระนาดสูงเกินไป รถท้องครูด",
            "ทางเข้าหมู่บ้านพังหมดแล้ว",
            "ถนนแตกเป็นร่อง",
            "ปะถนนไว้แล้วแต่หลุดอีก",
        ),
        impacts=(
            "รถมอไซค์ล้มไปหลายคันแล้ว",
            "กลางคืนมองไม่เห็นหลุม อันตรายมาก",
            "ฝนตกมีน้ำขังในหลุม มองไม่เห็นว่าลึกแค่ไหน",
            "รถยนต์ตกหลุมยางแตก",
            "เด็กนักเรียนปั่นจักรยานผ่านลำบาก",
            "รถติดยาวเพราะต้องหลบหลุม",
            "ฝุ่นเยอะมากเวลารถวิ่งผ่าน",
            "คนแก่ซ้อนมอไซค์ตกมาแล้ว",
        ),
        requests=(
            "ช่วยมาซ่อมถนนด้วย",
            "ขอให้มาปะหลุมด่วน",
            "อยากให้ลาดยางใหม่ทั้งเส้น",
            "ช่วยเอาป้ายเตือนมาตั้งไว้ก่อนก็ยังดี",
            "เอาหินคลุกมาถมให้ก่อนก็ได้",
        ),
    ),
    "streetlight": _Phrases(
        problems=(
            "ไฟส่องสว่างดับ",
            "ไฟทางดับ",
            "ไฟถนนไม่ติด",
            "ไฟกิ่งดับหลายต้น",
            "หลอดไฟข้างทางขาด",
            "โคมไฟถนนเสีย",
            "ไฟข้างทางกระพริบติดๆดับๆ",
            "เสาไฟไม่มีไฟเลย",
            "ไฟทางดับทั้งแถว",
            "ไฟส่องสว่างติดตอนกลางวัน พอกลางคืนดับ",
            "โคมไฟหักห้อยลงมา",
            "ไฟโซล่าเซลล์ไม่ติดแล้ว",
            "ไฟดับไปสามต้นติดกัน",
            "หลอดไฟแตก",
            "ไฟริมถนนไม่สว่างเลย",
        ),
        impacts=(
            "มืดมาก กลางคืนไม่กล้าเดินผ่าน",
            "มีคนโดนวิ่งราวกระเป๋าเพราะมืด",
            "เด็กๆกลับจากเรียนพิเศษต้องเดินผ่านที่มืด",
            "มองไม่เห็นทาง ขับรถลำบาก",
            "กลัวมีขโมยขึ้นบ้าน",
            "มืดจนมองไม่เห็นงู",
            "ตอนค่ำมืดตึ๊ดตื๋อ",
        ),
        requests=(
            "ช่วยมาเปลี่ยนหลอดไฟด้วย",
            "ขอให้มาซ่อมไฟด่วน",
            "อยากให้ติดไฟเพิ่มอีกสักต้น",
            "ส่งช่างไฟมาดูหน่อย",
        ),
    ),
    "garbage": _Phrases(
        problems=(
            "ขยะไม่มีคนมาเก็บ",
            "รถขยะไม่มาเก็บ",
            "ขยะล้นถัง",
            "ถังขยะเต็มจนล้นออกมา",
            "รถเก็บขยะไม่มาตามวันที่นัด",
            "ขยะกองเต็มหน้าบ้าน",
            "ถังขยะพัง ฝาหาย",
            "รถขยะมาเก็บไม่ครบ ข้ามซอยเราไป",
            "ขยะตกค้างหลายวัน",
            "ถังขยะไม่พอ ขอเพิ่มอีกใบ",
            "พนักงานเก็บขยะเทหกเรี่ยราด",
            "ขยะเปียกไม่มีใครเก็บ",
            "รถขยะไม่เข้าซอยเลย",
        ),
        impacts=(
            "ส่งกลิ่นเหม็นมาก",
            "หมาคุ้ยขยะกระจายเต็มถนน",
            "แมลงวันตอมเต็มไปหมด",
            "น้ำขยะไหลเลอะถนน",
            "หนูชุมมาก",
            "เริ่มมีหนอนแล้ว",
            "เดินผ่านต้องปิดจมูก",
        ),
        requests=(
            "ช่วยส่งรถมาเก็บด้วย",
            "ขอให้เพิ่มรอบเก็บ",
            "ขอถังใบใหม่",
            "ช่วยมาเก็บให้หน่อย",
        ),
    ),
    "drainage_flood": _Phrases(
        problems=(
            "น้ำท่วมขัง",
            "ท่อระบายน้ำอุดตัน",
            "ท่อตัน น้ำระบายไม่ทัน",
            "ฝนตกนิดเดียวน้ำก็ท่วม",
            "น้ำเน่าขังในรางระบายน้ำ",
            "ฝาท่อระบายน้ำแตก",
            "ฝาท่อหาย เป็นรูโหว่",
            "คูระบายน้ำตื้นเขิน",
            "น้ำล้นท่อขึ้นมาบนถนน",
            "น้ำท่วมถนนสูงเกือบถึงเข่า",
            "รางระบายน้ำมีเศษขยะอุด",
            "น้ำเอ่อเข้าบ้าน",
            "น้ำไม่ไหลลงท่อ ขังอยู่อย่างนั้น",
            "ตะแกรงท่อมีแต่เศษใบไม้ น้ำลงไม่ได้",
            "น้ำในคลองล้นตลิ่ง",
        ),
        impacts=(
            "รถเล็กผ่านไม่ได้",
            "ยุงเยอะมาก",
            "ส่งกลิ่นเหม็นเน่า",
            "น้ำเข้าบ้านหลายหลังแล้ว",
            "เด็กเดินไปโรงเรียนต้องลุยน้ำ",
            "กลัวมีคนตกลงไป",
            "ร้านค้าเปิดขายไม่ได้",
        ),
        requests=(
            "ช่วยมาลอกท่อด้วย",
            "ขอรถดูดเลน",
            "ขอเครื่องสูบน้ำด่วน",
            "ขอฝาท่อใหม่",
        ),
    ),
    "water_supply": _Phrases(
        problems=(
            "น้ำประปาไม่ไหล",
            "น้ำปะปาไหลอ่อนมาก",
            "ท่อประปาแตก",
            "ท่อน้ำรั่ว น้ำพุ่งออกมา",
            "น้ำประปาขุ่น มีตะกอน",
            "น้ำประปามีกลิ่นคลอรีนแรง",
            "น้ำที่บ้านเป็นสีเหลือง",
            "น้ำไม่ไหลตั้งแต่เช้า",
            "มิเตอร์น้ำรั่ว",
            "ประปาหมู่บ้านใช้ไม่ได้",
            "ท่อเมนใต้ถนนรั่ว น้ำซึมขึ้นมา",
            "แรงดันน้ำต่ำ ขึ้นชั้นสองไม่ถึง",
            "น้ำไหลๆหยุดๆ",
            "ท่อแตกหน้าบ้าน น้ำไหลทิ้งทั้งวัน",
        ),
        impacts=(
            "ไม่มีน้ำอาบ",
            "ต้องไปซื้อน้ำมาใช้",
            "น้ำนองถนน เสียน้ำเปล่าๆ",
            "ซักผ้าไม่ได้ ผ้าเหลืองหมด",
            "ร้านอาหารเปิดร้านไม่ได้",
            "คนแก่ที่บ้านลำบากมาก",
        ),
        requests=(
            "ช่วยมาซ่อมท่อด้วย",
            "ขอรถน้ำมาแจกก่อน",
            "ช่วยตรวจคุณภาพน้ำด้วย",
            "ช่วยปิดวาล์วก่อนก็ได้",
        ),
    ),
    "tree": _Phrases(
        problems=(
            "ต้นไม้ล้มขวางถนน",
            "กิ่งไม้หักห้อยลงมา",
            "ต้นไม้ใหญ่เอียงจะล้ม",
            "กิ่งไม้พาดสายไฟ",
            "ต้นไม้ขึ้นรกบังทาง",
            "กิ่งไม้บังป้ายจราจร",
            "รากไม้ดันทางเท้าแตก",
            "ต้นไม้บังไฟทางจนมืด",
            "ต้นไม้ล้มทับรั้วบ้าน",
            "หญ้าขึ้นสูงรกข้างทาง",
            "ลูกมะพร้าวหล่นใส่รถ",
            "ต้นจามจุรีกิ่งแห้งจะหัก",
            "ไม้ล้มเต็มซอย",
        ),
        impacts=(
            "พายุเข้าเมื่อคืน",
            "กลัวล้มทับคน",
            "รถผ่านไม่ได้",
            "บังทางโค้งมองไม่เห็นรถสวน",
            "ใบไม้ร่วงอุดรางน้ำ",
        ),
        requests=(
            "ช่วยส่งคนมาตัดกิ่งด้วย",
            "ขอให้มาตัดออก",
            "ช่วยมาเก็บกิ่งไม้ไปด้วย",
            "ขอรถกระเช้ามาตัดแต่ง",
        ),
    ),
    "stray_animal": _Phrases(
        problems=(
            "หมาจรจัดเยอะมาก",
            "สุนัขจรจัดไล่กัดคน",
            "หมาจรไล่กวดรถมอไซค์",
            "มีฝูงหมามาอยู่ในตลาด",
            "แมวจรจัดขึ้นบ้าน",
            "สุนัขจรจัดเป็นโรคเรื้อน",
            "มีหมาท่าทางไม่ปกติ กลัวเป็นพิษสุนัขบ้า",
            "วัวควายปล่อยเดินบนถนน",
            "งูเหลือมเข้ามาในบ้าน",
            "ลิงลงมารื้อของ",
            "มีหมาตายอยู่ข้างถนน",
            "หมาเจ้าของไม่ผูก ปล่อยเพ่นพ่าน",
            "มีคนเอาลูกแมวมาปล่อย",
        ),
        impacts=(
            "เด็กไม่กล้าเดินไปโรงเรียน",
            "เห่าทั้งคืน นอนไม่ได้",
            "กัดคนไปแล้วสองคน",
            "ขี้เต็มหน้าบ้าน",
            "คุ้ยถังขยะกระจาย",
            "ไล่ไม่ไปสักที",
        ),
        requests=(
            "ช่วยมาจับไปด้วย",
            "ขอให้มาทำหมันฉีดวัคซีน",
            "ช่วยประสานปศุสัตว์ด้วย",
            "ช่วยมาจับงูด่วน",
        ),
    ),
    "noise": _Phrases(
        problems=(
            "เสียงดังรบกวน",
            "ร้านคาราโอเกะเปิดเพลงดังถึงตีสอง",
            "ข้างบ้านเปิดลำโพงเสียงดัง",
            "ไซต์ก่อสร้างทำงานตอนกลางคืน เสียงดังมาก",
            "เด็กแว้นซิ่งรถทุกคืน ท่อดังมาก",
            "มีงานเลี้ยงเปิดเพลงทุกคืน",
            "โรงงานเครื่องจักรดังทั้งวันทั้งคืน",
            "รถแห่โฆษณาเปิดเสียงดังลั่น",
            "ผับเปิดเพลงเกินเวลา",
            "ตอกเสาเข็มตั้งแต่ตีห้า",
            "เสียงสุนัขเห่าจากฟาร์มข้างๆ",
            "ร้านเหล้าร้องเพลงเสียงดังโวยวาย",
        ),
        impacts=(
            "นอนไม่หลับ",
            "ผู้สูงอายุกับเด็กเล็กพักผ่อนไม่ได้",
            "ไปเตือนแล้วไม่ฟัง",
            "บ้านสั่นไปหมด",
            "ลูกต้องอ่านหนังสือสอบ",
        ),
        requests=(
            "ช่วยมาตักเตือนด้วย",
            "ขอให้ตรวจวัดระดับเสียง",
            "ช่วยดำเนินการตามกฎหมายด้วย",
        ),
    ),
    "illegal_dumping": _Phrases(
        problems=(
            "มีคนแอบเอาขยะมาทิ้ง",
            "ลักลอบทิ้งขยะในที่ดินว่างเปล่า",
            "มีรถกระบะมาทิ้งเศษวัสดุก่อสร้างตอนกลางคืน",
            "มีคนเอาโซฟาเก่ามาทิ้งข้างทาง",
            "มีคนทิ้งขยะลงคลอง",
            "แอบทิ้งขยะริมถนนจนกองเป็นภูเขา",
            "ลักลอบทิ้งกากสารเคมี",
            "มีคนเอาเศษอิฐเศษปูนมาเทไว้",
            "ร้านอาหารเทน้ำมันทอดลงท่อ",
            "มีคนขนที่นอนเก่ามาทิ้งในสวน",
            "เอาขยะมาทิ้งหน้าบ้านคนอื่น",
        ),
        impacts=(
            "ส่งกลิ่นเหม็น",
            "มีกล้องวงจรปิดบันทึกทะเบียนรถไว้",
            "ตอนนี้กลายเป็นที่ทิ้งขยะไปแล้ว",
            "ทิ้งซ้ำทุกอาทิตย์",
            "เจ้าของที่ไม่อยู่",
        ),
        requests=(
            "ช่วยมาตรวจสอบและจับปรับด้วย",
            "ขอติดป้ายห้ามทิ้ง",
            "ช่วยขนไปด้วย",
            "อยากให้เทศกิจมาดู",
        ),
    ),
    "sidewalk": _Phrases(
        problems=(
            "ทางเท้าชำรุด",
            "ฟุตบาทแตก",
            "บล็อกปูทางเท้าหลุด",
            "ทางเท้าเป็นหลุม",
            "ฟุตปาธยุบ",
            "แม่ค้าตั้งแผงบนทางเท้า เดินไม่ได้",
            "รถจอดบนฟุตบาท",
            "ทางลาดรถเข็นพัง",
            "ขอบทางเท้าแตกหัก",
            "อิฐตัวหนอนหลุดเป็นแถว",
            "ทางเดินในสวนสาธารณะพัง",
            "ทางเดินเท้ายกตัวสูงต่ำ",
        ),
        impacts=(
            "คนแก่เดินสะดุดล้ม",
            "ต้องลงไปเดินบนถนน อันตราย",
            "รถเข็นคนพิการผ่านไม่ได้",
            "เด็กวิ่งสะดุดหัวแตก",
        ),
        requests=(
            "ช่วยมาซ่อมทางเท้าด้วย",
            "ช่วยจัดระเบียบด้วย",
            "ขอให้ปูใหม่",
        ),
    ),
    "traffic_sign": _Phrases(
        problems=(
            "ป้ายจราจรล้ม",
            "ไฟจราจรเสีย",
            "ไฟแดงไม่ทำงาน",
            "สัญญาณไฟจราจรดับ",
            "ไฟเขียวสั้นเกินไป",
            "ป้ายบอกทางหาย",
            "ป้ายหยุดโดนรถชนล้ม",
            "ทางม้าลายลบเลือนจนมองไม่เห็น",
            "ไม่มีป้ายเตือนทางโค้ง",
            "ป้ายชื่อซอยหาย",
            "กระจกโค้งตรงทางแยกแตก",
            "ไฟกระพริบเหลืองตรงทางแยกเสีย",
            "เส้นจราจรจางหมดแล้ว",
        ),
        impacts=(
            "รถชนกันบ่อย",
            "รถติดยาวตอนเย็น",
            "คนข้ามถนนอันตราย",
            "คนต่างถิ่นหลงทาง",
            "เกือบชนกันหลายครั้ง",
        ),
        requests=(
            "ช่วยมาซ่อมสัญญาณไฟด้วย",
            "ขอติดตั้งป้ายเตือน",
            "ช่วยตีเส้นใหม่",
            "ขอป้ายใหม่",
        ),
    ),
    "other": _Phrases(
        problems=(
            "ไฟฟ้าดับทั้งซอย",
            "มีคนเผาขยะ ควันเข้าบ้าน",
            "มีรถจอดทิ้งไว้นานหลายเดือน",
            "ขอให้มาพ่นหมอกควันกำจัดยุง",
            "สอบถามเรื่องการจ่ายภาษีที่ดิน",
            "เบี้ยยังชีพผู้สูงอายุยังไม่เข้า",
            "มีคนเร่ร่อนมานอนที่ศาลา",
            "สนามเด็กเล่นชำรุด",
            "ห้องน้ำสาธารณะสกปรก",
            "กลิ่นเหม็นจากฟาร์มหมู",
            "ขอให้ติดกล้องวงจรปิด",
            "มีป้ายโฆษณาติดผิดที่",
            "สายสื่อสารห้อยระโยงระยาง",
            "มีคนขายยาเสพติดในซอย",
            "อยากสอบถามเรื่องขออนุญาตก่อสร้าง",
            "ศาลาที่พักผู้โดยสารหลังคารั่ว",
        ),
        impacts=(
            "ชาวบ้านเดือดร้อน",
            "ไม่รู้จะติดต่อใคร",
            "เป็นแบบนี้มานานแล้ว",
            "เด็กๆใช้ไม่ได้",
        ),
        requests=(
            "ช่วยแนะนำด้วยว่าต้องทำอย่างไร",
            "ช่วยประสานหน่วยงานที่เกี่ยวข้องด้วย",
            "ขอให้มาตรวจสอบ",
        ),
    ),
}

_VILLAGES = ("หนองบัว", "โนนสูง", "ดอนแดง", "ป่าไผ่", "สามแยก", "หัวนา", "บ่อทอง", "ท่าช้าง")
_TEMPLES = ("ป่าเลไลย์", "ศรีสุข", "โพธิ์ชัย", "บ้านใหม่", "สว่างอารมณ์", "ใหญ่")
_ROADS = ("ถนนมิตรภาพ", "ถนนเพชรเกษม", "ถนนศรีจันทร์", "ถนนหน้าเมือง", "ถนนประชาสโมสร", "ถนนเลี่ยงเมือง")

# "{n}" becomes a small number. Some places mention other categories' words on purpose.
# Bare places may get a preposition ("ที่ซอย 5", "แถวตลาดสดเทศบาล"); the others carry their own.
_PLACES_BARE = (
    "ซอย {n}",
    "ซอย{n}",
    "ซ.{n}",
    "ซอยวัด{temple}",
    "หมู่ที่ {n}",
    "หมู่ {n} บ้าน{village}",
    "ม.{n} บ้าน{village}",
    "บ้าน{village}",
    "{road}",
    "{road} ขาเข้าเมือง",
    "{road} ช่วงกิโลเมตรที่ {n}{n}",
    "ตลาดสดเทศบาล",
    "ตลาดนัดวันพุธ",
    "ชุมชนหลังสถานีรถไฟ",
    "สวนสาธารณะเทศบาล",
    "แยกไฟแดงหน้าอำเภอ",
    "บ้านเลขที่ {n}{n}/{n}",
    "หมู่บ้านจัดสรร",
)
_PLACES_WITH_PREPOSITION = (
    "หน้าวัด{temple}",
    "ข้างวัด{temple}",
    "หน้าโรงเรียนบ้าน{village}",
    "หลังตลาด",
    "ข้างรพ.สต.",
    "ข้างเซเว่น",
    "ตรงข้ามปั๊ม ปตท.",
    "หน้าบ้านเลขที่ {n}{n}/{n}",
    "ริมคลองส่งน้ำ",
    "ใกล้ป้ายรถเมล์",
    "ตรงเสาไฟต้นที่ {n}{n}",
    "ข้างต้นโพธิ์ใหญ่",
    "ใกล้จุดวางถังขยะ",
    "หน้าหมู่บ้านจัดสรร",
    "ทางไปตลาด",
    "แถวบ้านผู้ใหญ่",
    "ท้ายซอย",
    "ปากซอย {n}",
)
_PREPOSITIONS = ("ที่", "แถว", "บริเวณ", "ตรง", "", "", "")

_DURATIONS = (
    "มา {n} วันแล้ว",
    "มาสามวันแล้ว",
    "ตั้งแต่เมื่อวาน",
    "เป็นอาทิตย์แล้ว",
    "ตั้งแต่เดือนที่แล้ว",
    "เมื่อคืนนี้",
    "ทุกคืน",
    "เมื่อเช้า",
    "หลายเดือนแล้วยังไม่มีใครมาดู",
    "แจ้งไปรอบนึงแล้วยังเงียบ",
    "ตั้งแต่ฝนตกหนักวันก่อน",
    "ตอนนี้",
)

# "{p}" is a politeness particle in the writer's voice (see _VOICES), or nothing.
_SEVERITIES = (
    "อันตรายมาก",
    "ด่วน{p}",
    "ด่วนมาก{p}",
    "ไม่ด่วนแต่อยากให้มาดู",
    "เดือดร้อนมาก",
    "ชาวบ้านเดือดร้อนกันทั้งซอย",
    "ทนไม่ไหวแล้ว",
    "แย่มาก",
)

_GREETINGS = (
    "สวัสดี{p}",
    "เรียนเจ้าหน้าที่",
    "แจ้งปัญหา{p}",
    "ขอแจ้งเรื่องร้องเรียน",
    "รบกวนหน่อย{p}",
    "เรียน ท่านนายกฯ",
    "ฝากแจ้ง{p}",
    "แจ้งเหตุ",
)

_GENERIC_REQUESTS = (
    "ช่วยมาดูด้วย{p}",
    "รบกวนเจ้าหน้าที่มาดำเนินการด้วย{p}",
    "ขอความอนุเคราะห์ด้วย{p}",
    "ฝากด้วยนะ{p}",
    "ช่วยแก้ไขด่วน",
    "ช่วยทีเถอะ",
    "รีบมาดูหน่อย{p}",
)

_ENDINGS = ("", "", "", "!!", "!!!", " 🙏", " 🙏🙏", "...", " ขอบคุณ{p}", " ขอบคุณมาก{p}", " ด่วน!!")

# Particles by voice: a man, a woman, or someone who writes without them.
_VOICES = (
    ("ครับ", "ครับ", "คับ", "ครับผม", "ครัช"),
    ("ค่ะ", "ค่ะ", "คะ", "ค่า", "จ้า", "คร่า"),
    ("",),
)
# Photo-first reports from LINE: the text alone doesn't say what is wrong; staff triage from the photo.
_VAGUE = (
    "ตามรูปเลย{p}",
    "มาดูหน่อย{p} ที่เดิม",
    "แจ้งเรื่องเดิมอีกรอบ{p}",
    "ตามภาพที่ส่งไป{p}",
    "ปัญหาเดิมยังไม่ได้แก้",
    "ช่วยด้วย{p} เดือดร้อนมาก",
    "ส่งรูปให้ดูแล้ว{p}",
    "เป็นแบบนี้อีกแล้ว",
)

_AND = "แล้วก็"
_SECOND_COMPLAINT_LEADS = ("แล้วก็", "อีกเรื่องคือ", "ส่วน", "ตรงนั้น", "อ้อ แล้ว", "นอกจากนี้")

# Spellings people actually type: colloquial forms and common misspellings.
_COLLOQUIAL = (
    ("มาก", "มากกก"),
    ("มาก", "มั่กๆ"),
    ("ไม่", "ม่าย"),
    ("เป็น", "เปน"),
    ("สุนัข", "สุนัก"),
    ("มอไซค์", "มอเตอร์ไซค์"),
    ("มอไซค์", "มอไซ"),
    ("ฟุตบาท", "ฟุตบาธ"),
    ("ประปา", "ปะปา"),
    ("ชำรุด", "ชำรุต"),
    ("ด่วน", "ด่วนนนน"),
    ("หลุม", "หลุ่ม"),
    ("ขยะ", "ขะยะ"),
    ("ถนน", "ถนล"),
    ("อันตราย", "อันตาย"),
    ("เจ้าหน้าที่", "จนท."),
    ("ทั้ง", "ทั่ง"),
)

# Letters that Thai writers swap for one that sounds alike.
_SOUND_ALIKE = {
    "ร": "ล",
    "ส": "ซ",
    "ซ": "ส",
    "ท": "ธ",
    "น": "ณ",
    "ศ": "ส",
    "ต": "ด",
    "ข": "ค",
    "ย": "ญ",
    "ล": "ร",
}


def generate_reports(
    n: int, *, seed: int, weights: Mapping[str, float] | None = None
) -> list[tuple[str, str]]:
    """Return ``n`` ``(text, category_code)`` pairs: always the same for the same arguments.

    ``weights`` maps category codes to relative frequencies; by default ``CATEGORY_WEIGHTS``.
    Categories missing from ``weights`` are not generated.
    """
    if n < 0:
        raise ValueError(f"n must be zero or more, got {n}")
    weights = CATEGORY_WEIGHTS if weights is None else weights
    unknown = set(weights) - set(CATEGORY_NAMES)
    if unknown:
        raise ValueError(f"unknown category codes: {sorted(unknown)}")
    codes = [code for code in CATEGORY_NAMES if weights.get(code, 0) > 0]
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    picked = rng.choices(codes, weights=[weights[code] for code in codes], k=n)
    return [(_report_text(rng, code), code) for code in picked]


def _report_text(rng: random.Random, code: str) -> str:
    phrases = _PHRASES[code]
    layout = rng.randrange(5)
    problem = rng.choice(phrases.problems)
    if rng.random() < 0.04:
        problem, layout = rng.choice(_VAGUE), rng.choice((0, 3))
    place = _place(rng)
    impact = rng.choice(phrases.impacts) if rng.random() < 0.6 else ""
    duration = _fill(rng, rng.choice(_DURATIONS)) if rng.random() < 0.5 else ""
    severity = rng.choice(_SEVERITIES) if rng.random() < 0.3 else ""
    request = ""
    if rng.random() < 0.7:
        # Category-specific asks get a particle too; the generic ones say where theirs goes.
        pool = [r + "{p}" for r in phrases.requests] if rng.random() < 0.5 else _GENERIC_REQUESTS
        request = rng.choice(pool)
    greeting = rng.choice(_GREETINGS) if rng.random() < 0.35 else ""
    if greeting.startswith("ขอแจ้ง") and layout == 2:
        greeting = ""
    second = ""
    if rng.random() < 0.16:
        # Two problems in one report; staff file it under the one they think matters more, which is not
        # always the one mentioned first.
        second = _second_complaint(rng, code)
        if second.startswith(_AND) and rng.random() < 0.6:
            problem, second = second.removeprefix(_AND), _AND + problem
    if layout == 4 and not impact:
        layout = 1
    if layout == 0:  # "สวัสดีค่ะ ซอย 5 ไฟทางดับ มาสามวันแล้ว มืดมาก ช่วยมาดูด้วยค่ะ"
        parts = [greeting, place, problem, duration, impact, second, severity, request]
    elif layout == 1:  # problem first, then where
        parts = [greeting, problem, place, duration, impact, second, request, severity]
    elif layout == 2:  # "ขอแจ้งเรื่อง ... ที่ ..."
        parts = [greeting, "ขอแจ้งเรื่อง" + problem, place, impact, duration, second, request]
    elif layout == 3:  # terse, as typed on a phone
        parts = [problem, place, severity]
    else:  # impact first, as people often lead with what bothers them
        parts = [greeting, impact, "เพราะ" + problem, place, duration, second, request]

    separator = " " if rng.random() < 0.8 else ""
    text = separator.join(part for part in parts if part) + rng.choice(_ENDINGS)
    particles = rng.choice(_VOICES)
    while "{p}" in text:
        text = text.replace("{p}", rng.choice(particles), 1)
    return _misspell(rng, text)


def _place(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(_PREPOSITIONS) + _fill(rng, rng.choice(_PLACES_BARE))
    return _fill(rng, rng.choice(_PLACES_WITH_PREPOSITION))


def _fill(rng: random.Random, template: str) -> str:
    # One slot at a time, so "{n}{n}" gives two independent digits.
    while "{n}" in template:
        template = template.replace("{n}", str(rng.randint(1, 9)), 1)
    return template.format(
        village=rng.choice(_VILLAGES), temple=rng.choice(_TEMPLES), road=rng.choice(_ROADS)
    )


def _second_complaint(rng: random.Random, code: str) -> str:
    other = rng.choice([candidate for candidate in _PHRASES if candidate != code])
    if rng.random() < 0.5:
        return _AND + rng.choice(_PHRASES[other].problems)
    return rng.choice(_SECOND_COMPLAINT_LEADS) + rng.choice(_PHRASES[other].problems) + "ด้วย"


def _misspell(rng: random.Random, text: str) -> str:
    for correct, typed in _COLLOQUIAL:
        if correct in text and rng.random() < 0.25:
            text = text.replace(correct, typed, 1)
    if rng.random() < 0.2:
        text = _typo(rng, text)
    return text


def _typo(rng: random.Random, text: str) -> str:
    """Make one keyboard- or ear-level slip: a dropped, doubled, swapped or sound-alike letter."""
    positions = [i for i, char in enumerate(text) if "\u0e01" <= char <= "\u0e2e"]  # Thai consonants
    if not positions:
        return text
    i = rng.choice(positions)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + _SOUND_ALIKE.get(text[i], text[i]) + text[i + 1 :]
