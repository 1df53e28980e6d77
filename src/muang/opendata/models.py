"""What an organisation publishes: a `Publication` of one app's dataset (`AppContract.open_datasets`) with its
catalogue description, and its files (`Distribution`: CSV, GeoJSON, Excel), rebuilt on its update frequency.

The files are kept in the database: every web process serves the same snapshot, a harvester's download matches
the size and checksum the catalogue announced, and a deployment needs no shared disk."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muang.core.models import Organization
from muang.opendata.vocab import Classification, DataType, Format, Frequency, GeoCoverage, Licence, Objective


class Publication(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    dataset = models.CharField(_("dataset"), max_length=80)  # OpenDataset.code
    # The CKAN name and the page's address: "<organisation>-<dataset code with dashes>", unique site-wide.
    name = models.SlugField(_("name"), max_length=100, unique=True)
    # The CKAN id and the DCAT dct:identifier: stable across renames.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    is_published = models.BooleanField(_("published"), default=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000)
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Separated by commas.")
    )
    data_type = models.CharField(_("data type"), max_length=16, choices=DataType.choices)
    objective = models.CharField(_("objective"), max_length=20, choices=Objective.choices)
    frequency = models.CharField(_("update frequency"), max_length=12, choices=Frequency.choices)
    geo_coverage = models.CharField(_("geographic coverage"), max_length=12, choices=GeoCoverage.choices)
    source = models.CharField(_("source"), max_length=300)
    licence = models.CharField(
        pgettext_lazy("open data", "licence"), max_length=16, choices=Licence.choices, default=Licence.CC_BY_4
    )
    classification = models.CharField(
        _("classification"), max_length=12, choices=Classification.choices, default=Classification.PUBLIC
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    published_at = models.DateTimeField(_("published at"))
    updated_at = models.DateTimeField(_("metadata updated at"))
    refreshed_at = models.DateTimeField(_("data refreshed at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    refresh_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("open dataset")
        verbose_name_plural = _("open datasets")
        constraints = [
            models.UniqueConstraint(fields=["organization", "dataset"], name="opendata_publication_once"),
        ]
        indexes = [models.Index(fields=["organization", "is_published"], name="opendata_pub_org_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class Distribution(models.Model):
    """One file of a publication, as its last refresh wrote it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="distributions")
    format = models.CharField(max_length=8, choices=Format.choices)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    content = models.BinaryField()
    byte_size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "format"], name="opendata_distribution_once"),
        ]
        indexes = [models.Index(fields=["organization", "publication"], name="opendata_dist_org_idx")]

    def __str__(self) -> str:
        return f"{self.publication_id}.{self.format}"
