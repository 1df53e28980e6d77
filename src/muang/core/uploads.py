"""Where uploaded images are stored, under which names, and who may read them.

Two storages:

* **public media** (`MEDIA_ROOT`, served at `/media/` by the web server): only what anyone may see and what
  never becomes private, today the organisations' logos;
* **private files** (`MUANG_PRIVATE_ROOT`, outside `MEDIA_ROOT`, so a web server publishing `/media/` cannot
  expose them): everything else, read only through `muang.core.views.files.private_file` at `/files/<name>`,
  which asks the app that owns the file whether this reader may see it.

Every stored image goes through `muang.core.images.clean_image` (the `CleanImageField` below re-encodes
whatever a caller hands it uncleaned) and is named `<kind>/<organization id>/<random token>.<jpg|png>` (`logos/<token>.png`
for the public logos): nothing of the uploader's file name, no date, no row id.

An app that stores private files declares a reader for each of its kinds in its contract
(`AppContract.file_readers`); the reader gets the request's actor (a staff session or an API token), the
request (for a taxpayer's session), the organisation id, the kind and the name, and answers PUBLIC or PERSONAL, or raises NotFound / AccessDenied.
"""

from __future__ import annotations

import enum
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.http import FileResponse, HttpRequest
from django.utils.deconstruct import deconstructible

from muang.core import registry
from muang.core.errors import InvalidInput, NotFound
from muang.core.images import MAX_STORED_SIDE, CleanImage, clean_image, random_token

if TYPE_CHECKING:  # access imports the models, which import this module
    from muang.core.access import Actor

logger = logging.getLogger(__name__)

PRIVATE_URL = "/files/"
CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}
# kind/organization/token.ext; the token is URL-safe base64 (secrets.token_urlsafe).
PRIVATE_NAME = re.compile(
    r"(?P<kind>[a-z][a-z-]{0,30})/(?P<org>[1-9][0-9]{0,18})/[A-Za-z0-9_-]{16,64}\.(jpg|png)"
)


# --- storages ----------------------------------------------------------------------------------------------------


class PrivateStorage(FileSystemStorage):
    """Files under `MUANG_PRIVATE_ROOT`, readable by the application's own user only, whose URLs point at the
    access-checking view. The location is read from the settings on each use (tests move it)."""

    @property
    def base_location(self):
        return settings.MUANG_PRIVATE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return PRIVATE_URL

    @property
    def file_permissions_mode(self):
        return 0o600

    @property
    def directory_permissions_mode(self):
        return 0o700


def private_storage() -> Storage:
    return storages["private"]


def public_storage() -> Storage:
    return storages["default"]


# --- names ---------------------------------------------------------------------------------------------------------


@deconstructible
class RandomName:
    """`upload_to` of every image field: `<kind>/<organization id>/<token>.<ext>`, or `<kind>/<token>.<ext>`
    for files of no organisation. The name the file arrived with only lends its extension (jpg or png: what
    `clean_image` writes)."""

    def __init__(self, kind: str, *, per_organization: bool = True):
        self.kind = kind
        self.per_organization = per_organization

    def __call__(self, instance: models.Model, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()
        suffix = suffix if suffix in CONTENT_TYPES else ".jpg"
        if self.per_organization:
            return f"{self.kind}/{instance.organization_id}/{random_token()}{suffix}"
        return f"{self.kind}/{random_token()}{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and (self.kind, self.per_organization) == (
            other.kind,
            other.per_organization,
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.per_organization))

    @property
    def pattern(self) -> str:
        """A regular expression (Python's and PostgreSQL's) of the names in this scheme: `secure_uploads`
        moves the files named otherwise."""
        org = "[1-9][0-9]*/" if self.per_organization else ""
        return rf"^{re.escape(self.kind)}/{org}[A-Za-z0-9_-]{{16,64}}\.(jpg|png)$"


# --- the model and form fields -----------------------------------------------------------------------------------


class CleanImageFormField(forms.FileField):
    """A form's image: checked and re-encoded by `clean_image` as soon as the form is cleaned, so the model
    only ever receives a `CleanImage`. Used by the admin (organisation logos) through `CleanImageField`."""

    def __init__(self, *, max_side: int = MAX_STORED_SIDE, keep_transparency: bool = False, **kwargs):
        self.max_side = max_side
        self.keep_transparency = keep_transparency
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if not value or value is initial or isinstance(value, CleanImage) or not hasattr(value, "read"):
            return value
        if getattr(value, "_committed", False):  # the file already stored (unchanged)
            return value
        try:
            return clean_image(
                value, field="file", max_side=self.max_side, keep_transparency=self.keep_transparency
            )
        except InvalidInput as e:
            raise forms.ValidationError(e.detail, code="invalid_image") from e


class CleanImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # The last line of defence: a caller that forgot `clean_image` still stores a re-encoded image.
        if not isinstance(content, CleanImage):
            content = clean_image(
                content,
                field=self.field.name,
                max_side=self.field.max_side,
                keep_transparency=self.field.keep_transparency,
            )
        super().save(name, content, save)


class CleanImageField(models.ImageField):
    """An image stored re-encoded (`clean_image`) under a random name, in the private storage unless
    `public` (then anyone who learns the URL may read it from `/media/`: logos only)."""

    attr_class = CleanImageFieldFile

    def __init__(
        self,
        verbose_name=None,
        name=None,
        *,
        kind: str,
        public: bool = False,
        max_side: int = MAX_STORED_SIDE,
        keep_transparency: bool = False,
        **kwargs,
    ):
        self.kind = kind
        self.public = public
        self.max_side = max_side
        self.keep_transparency = keep_transparency
        kwargs.pop("upload_to", None)
        kwargs.pop("storage", None)
        super().__init__(
            verbose_name,
            name,
            upload_to=RandomName(kind, per_organization=not public),
            storage=public_storage if public else private_storage,
            **kwargs,
        )

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("upload_to", None)
        kwargs.pop("storage", None)
        kwargs["kind"] = self.kind
        if self.public:
            kwargs["public"] = True
        if self.max_side != MAX_STORED_SIDE:
            kwargs["max_side"] = self.max_side
        if self.keep_transparency:
            kwargs["keep_transparency"] = True
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(
            **{
                "form_class": CleanImageFormField,
                "max_side": self.max_side,
                "keep_transparency": self.keep_transparency,
                **kwargs,
            }
        )


def copy_stored_file(source: FieldFile, *, to: models.Model) -> str:
    """A copy of a stored (already clean) file, named for the row `to`; "" if the original is gone."""
    field = source.field
    try:
        with source.open("rb"):
            return field.storage.save(field.generate_filename(to, source.name), source)
    except FileNotFoundError:
        logger.warning("stored file %s is missing; not copied", source.name)
        return ""


def clean_image_fields() -> list[tuple[type[models.Model], CleanImageField]]:
    """Every (model, field) that stores images, for `secure_uploads`."""
    from django.apps import apps

    return [
        (model, f)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, CleanImageField) and f.model is model
    ]


# --- reading private files ---------------------------------------------------------------------------------------


class Visibility(enum.Enum):
    PUBLIC = "public"  # anyone may see it (a public report photo): cacheable
    PERSONAL = "personal"  # shown to this reader only: never stored by a cache


@dataclass(frozen=True)
class FileRead:
    """One read of a private file, handed to the reader its app declared for the kind
    (`AppContract.file_readers`)."""

    request: HttpRequest
    actor: Actor
    organization_id: int
    name: str
    kind: str = ""


Reader = Callable[[FileRead], Visibility]


def check_read(request: HttpRequest, actor: Actor, name: str) -> Visibility:
    """Whether `actor` (and the request's session) may read the private file `name`, and how to send it.
    NotFound for a name of no registered kind, or of a file no row holds; AccessDenied from the reader."""
    match = PRIVATE_NAME.fullmatch(name)
    reader = registry.file_reader(match["kind"]) if match else None
    if reader is None:
        raise NotFound()
    read = FileRead(
        request=request, actor=actor, organization_id=int(match["org"]), name=name, kind=match["kind"]
    )
    return reader(read)


def image_response(storage: Storage, name: str, visibility: Visibility) -> FileResponse:
    """The stored image, inline, with the headers every served upload gets."""
    suffix = PurePosixPath(name).suffix.lower()
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError) as e:
        raise NotFound() from e
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"))
    # A safe name: the random token the platform chose, never anything the uploader sent.
    response["Content-Disposition"] = f'inline; filename="{PurePosixPath(name).name}"'
    response["X-Content-Type-Options"] = "nosniff"
    if visibility is Visibility.PUBLIC:
        response["Cache-Control"] = "public, max-age=3600"
    else:
        response["Cache-Control"] = "private, no-store"
    return response


# --- configuration check -----------------------------------------------------------------------------------------


@checks.register(checks.Tags.security)
def check_private_root(app_configs=None, **kwargs):
    """The private files must not lie under MEDIA_ROOT, which a web server publishes."""
    private = os.path.realpath(settings.MUANG_PRIVATE_ROOT)
    media = os.path.realpath(settings.MEDIA_ROOT)
    if private == media or private.startswith(media.rstrip(os.sep) + os.sep):
        return [
            checks.Error(
                "MUANG_PRIVATE_ROOT is inside MEDIA_ROOT: private files would be published at /media/.",
                hint="Set MUANG_PRIVATE_ROOT to a directory outside MUANG_MEDIA_ROOT.",
                id="muang.E001",
            )
        ]
    return []
