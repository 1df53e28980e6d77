"""Searching the care register by name or national ID, beside a primary-key lookup in the same run.

The measured call is the register's own selector (`care.selectors.people_of`, what the people list, the API and
the map call): a part of a name ("บุญมา", "ศรีสุข", "คำแปง บุญ") through the trigram index, or a national ID
(whole: the unique index; its first digits: a prefix), with the first page of 50 read. The baseline is the same
selector's fetch of one person by primary key (`get_person_for`). Target (issue 12): p95 ≤ 50 ms at 1,000,000.

The register is generated in the database (`INSERT … SELECT generate_series`): Thai names from syllables (about
65,000 distinct full names, so a full name matches a dozen people and a surname thousands), IDs unique.

    .venv/bin/python bench/bench_care_search.py [--quick] [--people 1000000] [--queries 300]
"""

import argparse
import random
import time

from support import BENCH_DB, load_average, p95, report, setup_django, timed

DB = f"{BENCH_DB}_care"
SLUG = "bench-care"
HEADS = [
    "ศรี",
    "บุญ",
    "แก้ว",
    "ทอง",
    "พรหม",
    "สาย",
    "จันทร์",
    "ภู",
    "นาม",
    "ชัย",
    "แสน",
    "พล",
    "คำ",
    "อินทร์",
    "มณี",
    "วงศ์",
]
TAILS = [
    "สุข",
    "ดี",
    "มา",
    "มณี",
    "คำ",
    "วงศ์",
    "สุวรรณ",
    "หอม",
    "ผาทอง",
    "วิชัย",
    "ชมภู",
    "ราช",
    "มงคล",
    "เรือง",
    "ษา",
    "ตา",
]
FIRST = [h + t for h in ["สม", "บุญ", "คำ", "ทอง", "ประ", "วิ", "สุ", "จัน", "มา", "อำ", "นวล", "บัว", "ศรี", "หนู", "ละ", "สำ"]
         for t in ["ชาย", "ศรี", "มี", "ดี", "เสริฐ", "ชัย", "นีย์", "ทร์", "ลี", "ไพ", "จันทร์", "ผัน", "ไพร", "เพียร", "เอียด", "ราญ"]]  # fmt: skip


def world(people: int):
    from django.db import connection

    from muang.core.models import Organization, OrganizationKind, Province

    province, _ = Province.objects.get_or_create(
        code="40", defaults={"name_th": "ขอนแก่น", "name_en": "Khon Kaen"}
    )
    org, _ = Organization.objects.get_or_create(
        slug=SLUG,
        defaults={
            "kind": OrganizationKind.values[0],
            "name_th": "เทศบาลทดสอบทะเบียนผู้รับการดูแล",
            "name_en": "Care bench town",
            "province": province,
        },
    )
    from muang.care.models import Person

    have = Person.objects.filter(organization=org).count()
    if have < people:
        lasts = [h + t for h in HEADS for t in TAILS]
        with timed() as t, connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO care_person (organization_id, national_id, title, first_name, last_name, full_name,
                    birth_date, sex, address, subdistrict_code, phones, emergency_contacts, lives_alone,
                    line_user_id, adl_group, created_at, updated_at)
                SELECT %(org)s, (1000000000000 + i)::text, '', f, l, f || ' ' || l,
                       date '1930-01-01' + (i * 7919 %% 20000)::int, CASE WHEN i %% 2 = 0 THEN 'male' ELSE 'female' END,
                       '', '400512', '{}', '[]', false, '',
                       (ARRAY['social','social','social','social','social','social','home','bed'])[1 + i %% 8],
                       now(), now()
                FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS i,
                     LATERAL (SELECT (%(firsts)s::text[])[1 + (i * 2654435761 %% %(nf)s)] AS f,
                                     (%(lasts)s::text[])[1 + (i * 40503 / 7 %% %(nl)s)] AS l) AS n
                """,
                {
                    "org": org.pk,
                    "first": have,
                    "last": people - 1,
                    "firsts": FIRST,
                    "lasts": lasts,
                    "nf": len(FIRST),
                    "nl": len(lasts),
                },
            )
            cursor.execute("ANALYZE care_person")
        print(f"generated {people - have:,} people in {t.seconds:.1f} s")
    return org


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="100,000 people, 100 queries")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    if args.quick:
        args.people, args.queries = 100_000, 100
    setup_django(database=DB)

    from muang.care import selectors
    from muang.care.models import Person
    from muang.core.access import SYSTEM

    org = world(args.people)
    rng = random.Random(12)
    from django.db.models import Max, Min

    span = Person.objects.filter(organization=org).aggregate(low=Min("pk"), high=Max("pk"))
    lasts = [h + t for h in HEADS for t in TAILS]
    names = [rng.choice(FIRST) for _ in range(args.queries // 3)]
    names += [rng.choice(lasts) for _ in range(args.queries // 3)]
    names += [f"{rng.choice(FIRST)} {rng.choice(lasts)[:3]}" for _ in range(args.queries // 3)]
    national_ids = [str(1000000000000 + rng.randrange(args.people)) for _ in range(args.queries // 2)]
    national_ids += [str(1000000000000 + rng.randrange(args.people))[:9] for _ in range(args.queries // 2)]

    def run(queries, fn) -> list[float]:
        samples = []
        for q in queries:
            start = time.perf_counter()
            fn(q)
            samples.append((time.perf_counter() - start) * 1000)
        return samples

    def search(q):
        return list(selectors.people_of(actor=SYSTEM, organization=org, q=q)[:50])

    def by_pk(pk):
        return selectors.get_person_for(actor=SYSTEM, organization=org, person_id=pk)

    run(names[:10] + national_ids[:10], search)  # warm the caches
    baseline = run([rng.randint(span["low"], span["high"]) for _ in range(args.queries)], by_pk)
    by_name = run(names, search)
    by_id = run(national_ids, search)
    print(
        f"{args.people:,} people, {len(names)} name and {len(national_ids)} ID searches, load {load_average()}"
    )
    base = f"{p95(baseline):.2f} ms p95"
    report("care search by name (p95, first page of 50)", f"{p95(by_name):.1f} ms", "by pk", base, "≤ 50 ms")
    report("care search by national ID (p95)", f"{p95(by_id):.1f} ms", "by pk", base, "≤ 50 ms")


if __name__ == "__main__":
    main()
