"""Thai administrative areas (DOPA codes) from the `geothai` package, kept by others."""

from typing import TextIO

import geothai

from muang.core.models import District, Province, Subdistrict


def _progress(out: TextIO | None, label: str, done: int, total: int) -> None:
    if out is None:
        return
    width = 30
    filled = width * done // total if total else width
    out.write(f"\r{label:<12} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        out.write("\n")
    out.flush()


def _sync(model, rows: list[dict], fields: list[str], out: TextIO | None, label: str) -> int:
    """Insert new rows and update changed ones in bulk; returns how many were added or changed."""
    existing = {obj.pk: obj for obj in model.objects.all()}
    new, changed = [], []
    for i, row in enumerate(rows, 1):
        obj = existing.get(row["code"])
        if obj is None:
            new.append(model(**row))
        elif any(getattr(obj, f) != row[f] for f in fields):
            for f in fields:
                setattr(obj, f, row[f])
            changed.append(obj)
        if i % 500 == 0 or i == len(rows):
            _progress(out, label, i, len(rows))
    model.objects.bulk_create(new, batch_size=2000)
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=2000)
    return len(new) + len(changed)


def load_areas(progress: TextIO | None = None) -> dict[str, int]:
    provinces = [{"code": p.code, "name_th": p.name_th, "name_en": p.name_en} for p in geothai.provinces()]
    districts = [
        {"code": d.code, "name_th": d.name_th, "name_en": d.name_en, "province_id": d.province_code}
        for p in geothai.provinces()
        for d in geothai.districts(p.code)
    ]
    subdistricts = [
        {
            "code": s.code,
            "name_th": s.name_th,
            "name_en": s.name_en,
            "district_id": s.district_code,
            "postal_codes": list(s.postal_codes),
        }
        for d in districts
        for s in geothai.subdistricts(d["code"])
    ]
    changed = _sync(Province, provinces, ["name_th", "name_en"], progress, "provinces")
    changed += _sync(District, districts, ["name_th", "name_en", "province_id"], progress, "districts")
    changed += _sync(
        Subdistrict,
        subdistricts,
        ["name_th", "name_en", "district_id", "postal_codes"],
        progress,
        "subdistricts",
    )
    return {
        "provinces": len(provinces),
        "districts": len(districts),
        "subdistricts": len(subdistricts),
        "changed": changed,
    }
