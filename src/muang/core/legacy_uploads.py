"""Bring images stored before `muang.core.uploads` into its scheme (run by `manage.py secure_uploads`, which
`muang_setup`, so `make run` and scripts/setup.sh, runs after migrating).

Before, photos lay under MEDIA_ROOT (published at /media/) under the uploader's file name or a guessable one
(`signboards/2026/05/sign-12.jpg`), some with their EXIF (GPS position, camera) and bytes appended after the
image. For every image field (`CleanImageField`) and every row whose file is not named by the scheme yet:

1. the file is read from where it lies (the public media, or the field's own storage),
2. re-encoded by `clean_image` (metadata and trailing bytes dropped) under a random name in the field's
   storage (private, except logos), and the row updated (with its width and height) by one UPDATE,
3. the old file deleted once no row names it any more (a forwarded case's rows shared one file: each gets its
   own copy).

A file that cannot be re-encoded is moved as it is to `legacy/` in the private storage, where nothing serves
it (the row keeps no file if the field may be empty). Finally every file left under MEDIA_ROOT in a private
kind's folder (a signboard's earlier photo, which only the audit log names) is moved to `legacy/` too, so that
nothing private stays published. Running it again finds nothing to do.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.db import models
from PIL import Image

from muang.core.errors import InvalidInput
from muang.core.images import clean_image
from muang.core.uploads import CleanImageField, clean_image_fields, private_storage, public_storage

logger = logging.getLogger(__name__)

LEGACY = "legacy"


def secure_legacy_uploads() -> dict[str, Counter]:
    """What was done, per `app_label.Model.field`: moved, missing, unreadable, swept."""
    report: dict[str, Counter] = {}
    for model, field in clean_image_fields():
        report[f"{model._meta.label}.{field.name}"] = _secure_field(model, field)
    swept = _sweep_public_media()
    if swept:
        report["media"] = Counter(swept=swept)
    return report


def _secure_field(model: type[models.Model], field: CleanImageField) -> Counter:
    counts: Counter = Counter()
    manager = model._base_manager
    pending = (
        manager.exclude(**{field.attname: ""})
        .exclude(**{field.attname: None})
        .exclude(**{f"{field.attname}__regex": field.upload_to.pattern})
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in list(pending):
        counts[_secure_row(manager, field, pk)] += 1
    return counts


def _source_storage(field: CleanImageField, name: str):
    for storage in (public_storage(), field.storage):
        if storage.exists(name):
            return storage
    return None


def _secure_row(manager: models.Manager, field: CleanImageField, pk) -> str:
    row = manager.filter(pk=pk).first()
    if row is None:
        return "gone"
    old = getattr(row, field.attname).name
    source = _source_storage(field, old)
    if source is None:
        logger.warning("%s %s: file %s is missing", field.model._meta.label, pk, old)
        return "missing"
    try:
        with source.open(old, "rb") as handle:
            cleaned = clean_image(
                File(handle, name=old),
                field=field.name,
                max_side=field.max_side,
                keep_transparency=field.keep_transparency,
                pixel_limit=Image.MAX_IMAGE_PIXELS,  # already stored: only Pillow's own bomb threshold
            )
    except InvalidInput as e:
        logger.warning(
            "%s %s: %s cannot be re-encoded (%s); moved to %s/", field.model._meta.label, pk, old, e, LEGACY
        )
        if field.blank:
            manager.filter(pk=pk, **{field.attname: old}).update(**{field.attname: ""})
        _retire(manager, field, source, old)
        return "unreadable"
    new = field.storage.save(field.generate_filename(row, cleaned.name), cleaned)
    changes = {field.attname: new}
    if field.width_field:
        changes[field.width_field] = cleaned.width
    if field.height_field:
        changes[field.height_field] = cleaned.height
    # One UPDATE per row (autocommit): the old file goes only once the new name is committed.
    if not manager.filter(pk=pk, **{field.attname: old}).update(**changes):
        field.storage.delete(new)  # the row changed meanwhile: keep what it names now
        return "changed"
    _retire(manager, field, source, old, delete=True)
    return "moved"


def _retire(manager, field: CleanImageField, source, old: str, *, delete: bool = False) -> None:
    """The old file, once no row names it: deleted if a clean copy replaced it, else kept out of sight."""
    if manager.filter(**{field.attname: old}).exists() or not source.exists(old):
        return
    if not delete:
        with source.open(old, "rb") as handle:
            private_storage().save(f"{LEGACY}/{old}", handle)
    source.delete(old)


def _sweep_public_media() -> int:
    """Files still under MEDIA_ROOT in a private kind's folder: moved to the private `legacy/`."""
    media = Path(settings.MEDIA_ROOT)
    kinds = {f.kind for _model, f in clean_image_fields() if not f.public}
    moved = 0
    for kind in sorted(kinds):
        folder = media / kind
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(media).as_posix()
            with path.open("rb") as handle:
                private_storage().save(f"{LEGACY}/{name}", File(handle, name=path.name))
            path.unlink()
            moved += 1
        for directory in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
            if not any(directory.iterdir()):
                directory.rmdir()
        if not any(folder.iterdir()):
            os.rmdir(folder)
    return moved
