"""The property registry (tax map): owners, parcels, buildings, condominium units, ownerships, house
registrations, signboards and their photos. The valuation tables of each tax year and the assessment are in
:mod:`muang.property.assessment.models`; :mod:`muang.property.models` (the app's models module) holds both.

Designed for set-based reads: an assessment run over a million parcels joins these tables in SQL (or reads
them with a few large queries) and never needs a per-row Python hook. So every derived figure the run needs
is a stored column kept consistent by a database CHECK (areas, sign areas, use shares), parcel codes carry
generated `zone` / `block` columns for the price joins, and validity on 1 January is plain date columns.
Writes go through the sub-domains' services; every change lands in the audit log with its reason.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Left
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muang.core.geo import SRID
from muang.core.models import Organization, User
from muang.core.uploads import CleanImageField
from muang.taxlaw.depreciation import Construction as RuleConstruction
from muang.taxlaw.land_building import Use as RuleUse
from muang.taxlaw.signboard import SignType as RuleSignType

PARCEL_CODE_PATTERN = r"^[0-9]{2}[A-Z][0-9]{3}$"  # zone 01, block A, lot 001 (LTAX)
LAND_PRICE_KEY_PATTERN = r"^[0-9]{2}([A-Z]([0-9]{3})?)?$"  # "01" zone, "01A" block, "01A001" parcel
BUILDING_TYPE_CODE_PATTERN = r"^[0-9]{3,4}$"  # Treasury building-type code, e.g. 100, 200, 400
NATIONAL_ID_PATTERN = r"^[0-9]{13}$"
JURISTIC_TAX_ID_PATTERN = r"^0[0-9]{12}$"
HOUSE_ID_PATTERN = r"^[0-9]{11}$"  # รหัสประจำบ้าน
MAX_CE_YEAR = 2399  # years are C.E.; anything larger is a B.E. year typed by mistake

parcel_code_validator = RegexValidator(
    PARCEL_CODE_PATTERN, _("A parcel code is zone (2 digits), block (A–Z) and lot (3 digits), e.g. 01A001.")
)
land_price_key_validator = RegexValidator(
    LAND_PRICE_KEY_PATTERN,
    _("A land price applies to a zone (01), a block (01A) or a parcel (01A001)."),
)
building_type_code_validator = RegexValidator(
    BUILDING_TYPE_CODE_PATTERN, _("A Treasury building-type code has 3 or 4 digits, e.g. 100.")
)
house_id_validator = RegexValidator(HOUSE_ID_PATTERN, _("A house ID (รหัสประจำบ้าน) has 11 digits."))


class Use(models.TextChoices):
    """The four uses of s.37 (values shared with `rules.land_building.Use`), or a split between them."""

    AGRICULTURAL = RuleUse.AGRICULTURAL.value, _("agricultural")
    RESIDENTIAL = RuleUse.RESIDENTIAL.value, _("residential")
    OTHER = RuleUse.OTHER.value, _("other (commercial, industrial)")
    VACANT = RuleUse.VACANT.value, _("vacant or unused")
    MIXED = "mixed", _("mixed use (see the shares)")


PURE_USES = (Use.AGRICULTURAL, Use.RESIDENTIAL, Use.OTHER, Use.VACANT)


class Construction(models.TextChoices):
    MASONRY = RuleConstruction.MASONRY.value, _("masonry (ตึก)")
    HALF_MASONRY = RuleConstruction.HALF_MASONRY.value, _("half masonry, half wood (ตึกครึ่งไม้)")
    WOOD = RuleConstruction.WOOD.value, _("wood (ไม้)")


class SignType(models.IntegerChoices):
    THAI_ONLY = RuleSignType.THAI_ONLY.value, _("1: Thai letters only")
    THAI_MIXED = RuleSignType.THAI_MIXED.value, _("2: Thai mixed with foreign text, pictures or marks")
    NO_THAI_OR_THAI_BELOW = RuleSignType.NO_THAI_OR_THAI_BELOW.value, _("3: no Thai, or Thai below")


def _related_label(row: models.Model, field: str) -> str:
    """The related row's own label when it is at hand (no query from __str__), else its number."""
    descriptor = getattr(type(row), field)
    if descriptor.is_cached(row):
        return str(getattr(row, field))
    return f"#{getattr(row, f'{field}_id')}"


def _use_split_constraints(prefix: str) -> list:
    """CHECKs shared by everything with a use split: shares in percent that add up to 100, and a pure use
    holding the whole share. Stored as columns so the assessment reads them in SQL."""
    shares = ("share_agricultural", "share_residential", "share_other", "share_vacant")
    checks = [
        models.CheckConstraint(
            condition=Q(**{f"{s}__gte": 0}) & Q(**{f"{s}__lte": 100}), name=f"{prefix}_{s}_0_100"
        )
        for s in shares
    ]
    checks.append(
        models.CheckConstraint(
            condition=Q(
                share_agricultural=100 - F("share_residential") - F("share_other") - F("share_vacant")
            ),
            name=f"{prefix}_shares_add_up_to_100",
        )
    )
    checks.append(
        models.CheckConstraint(
            condition=Q(use="mixed")
            | Q(use="agricultural", share_agricultural=100)
            | Q(use="residential", share_residential=100)
            | Q(use="other", share_other=100)
            | Q(use="vacant", share_vacant=100),
            name=f"{prefix}_pure_use_has_whole_share",
        )
    )
    return checks


class UseSplit(models.Model):
    """A use (s.37) and, for mixed use, the share of each use in percent of the land or floor area."""

    use = models.CharField(_("use"), max_length=16, choices=Use.choices)
    share_agricultural = models.DecimalField(
        _("agricultural share %"), max_digits=5, decimal_places=2, default=0
    )
    share_residential = models.DecimalField(
        _("residential share %"), max_digits=5, decimal_places=2, default=0
    )
    share_other = models.DecimalField(_("other-use share %"), max_digits=5, decimal_places=2, default=0)
    share_vacant = models.DecimalField(_("vacant share %"), max_digits=5, decimal_places=2, default=0)

    class Meta:
        abstract = True

    @property
    def use_shares(self) -> dict[str, object]:
        return {
            u.value: getattr(self, f"share_{u.value}") for u in PURE_USES if getattr(self, f"share_{u.value}")
        }


# --- imports -------------------------------------------------------------------------------------------------


class ImportBatch(models.Model):
    """One committed import of a file: what, from where, by whom, why. Imported rows point back here."""

    class Kind(models.TextChoices):
        PARCELS = "parcels", _("parcels")
        LAND_PRICES = "land_prices", _("land prices")
        BUILDING_PRICES = "building_prices", _("building prices")
        CONDO_PRICES = "condo_prices", _("condominium prices")
        RATE_BRACKETS = "rate_brackets", _("rate brackets")
        DEPRECIATION = "depreciation", _("depreciation")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    source_srid = models.IntegerField(_("source SRID"), null=True, blank=True)
    tax_year = models.ForeignKey("TaxYear", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    actor_user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(_("actor"), max_length=200)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename} ({self.rows_imported})"


# --- registry ------------------------------------------------------------------------------------------------


class Owner(models.Model):
    """A taxpayer: an owner or possessor, individual (national ID) or juristic person (tax ID)."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("individual")
        JURISTIC = "juristic", _("juristic person")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Normalised to 13 ASCII digits; checked with muang.core.thai_id. Null when not (yet) known.
    national_id = models.CharField(_("national ID"), max_length=13, null=True, blank=True)
    tax_id = models.CharField(_("juristic tax ID"), max_length=13, null=True, blank=True)
    title = models.CharField(_("title"), max_length=50, blank=True, help_text=_("นาย, นาง, บริษัท, …"))
    name = models.CharField(_("given name, or the juristic person's name"), max_length=200)
    last_name = models.CharField(_("family name"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_farmer = models.BooleanField(
        _("registered farmer"), default=False, help_text=_("An individual farmer: s.40 exemption.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization_id", "name", "last_name", "id"]
        verbose_name = _("owner / taxpayer")
        verbose_name_plural = _("owners / taxpayers")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "national_id"],
                condition=Q(national_id__isnull=False),
                name="owner_national_id_unique_per_org",
            ),
            models.UniqueConstraint(
                fields=["organization", "tax_id"],
                condition=Q(tax_id__isnull=False),
                name="owner_tax_id_unique_per_org",
            ),
            models.CheckConstraint(
                condition=Q(national_id__isnull=True) | Q(national_id__regex=NATIONAL_ID_PATTERN),
                name="owner_national_id_13_digits",
            ),
            models.CheckConstraint(
                condition=Q(tax_id__isnull=True) | Q(tax_id__regex=JURISTIC_TAX_ID_PATTERN),
                name="owner_tax_id_juristic_form",
            ),
            models.CheckConstraint(
                condition=Q(kind="individual", tax_id__isnull=True)
                | Q(kind="juristic", national_id__isnull=True, last_name="", is_farmer=False),
                name="owner_id_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["organization", "name", "last_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (f"{self.title}{self.name}", self.last_name) if p)

    @property
    def given_and_family_name(self) -> str:
        """A person's name without the title (นาย, นาง…), as "คุณ…" takes it; a company keeps its full name."""
        if self.kind == self.Kind.JURISTIC:
            return self.display_name
        return " ".join(p for p in (self.name, self.last_name) if p)


class Parcel(UseSplit):
    """A land parcel of the tax map (แปลงที่ดิน), coded zone-block-lot, with its deed and its area."""

    class DeedType(models.TextChoices):
        CHANOTE = "chanote", _("title deed (โฉนดที่ดิน)")
        NS3K = "ns3k", _("น.ส.3 ก.")
        NS3 = "ns3", _("น.ส.3")
        SK1 = "sk1", _("ส.ค.1")
        SPK = "spk", _("ส.ป.ก. 4-01")
        PBT5 = "pbt5", _("ภ.บ.ท.5")
        OTHER = "other", _("other document")
        NONE = "none", _("no document")

    class SurveyStatus(models.TextChoices):
        NOT_SURVEYED = "not_surveyed", _("not yet surveyed")
        SURVEYED = "surveyed", _("surveyed")
        VERIFIED = "verified", _("verified in the field")

    class Exemption(models.TextChoices):
        """s.8: property outside the tax altogether."""

        NONE = "", _("none")
        STATE_PUBLIC_USE = "state_public_use", _("state property used for the public (s.8(1))")
        RELIGIOUS = "religious", _("place of worship or religious property (s.8(5))")
        CEMETERY = "cemetery", _("cemetery or crematorium not for profit (s.8(6))")
        CONDO_COMMON = "condo_common", _("condominium common property (s.8(9))")
        PUBLIC_BENEFIT = "public_benefit", _("used for the public benefit by the owner's consent (s.8(8))")
        OTHER = "other", _("other (s.8)")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("parcel code"), max_length=6, validators=[parcel_code_validator])
    # For the price joins (zone, then block, then parcel): computed by PostgreSQL, never out of step.
    zone = models.GeneratedField(
        expression=Left("code", 2), output_field=models.CharField(max_length=2), db_persist=True
    )
    block = models.GeneratedField(
        expression=Left("code", 3), output_field=models.CharField(max_length=3), db_persist=True
    )
    deed_type = models.CharField(_("deed type"), max_length=8, choices=DeedType.choices, default="chanote")
    deed_number = models.CharField(_("deed number"), max_length=30, blank=True)
    land_number = models.CharField(_("land number (เลขที่ดิน)"), max_length=30, blank=True)
    map_sheet = models.CharField(_("map sheet (ระวาง)"), max_length=60, blank=True)
    area_rai = models.PositiveIntegerField(_("rai"), default=0)
    area_ngan = models.PositiveSmallIntegerField(_("ngan"), default=0)
    area_wah = models.DecimalField(_("square wah"), max_digits=5, decimal_places=2, default=0)
    # Derived with rules.units by the services; a CHECK keeps them equal to rai-ngan-wah.
    area_square_wah = models.DecimalField(_("area in square wah"), max_digits=14, decimal_places=2, default=0)
    area_square_metres = models.DecimalField(_("area in m²"), max_digits=16, decimal_places=2, default=0)
    geometry = models.MultiPolygonField(_("geometry"), srid=SRID, null=True, blank=True)
    # A point on the parcel (surveyed) or a pin (not yet surveyed): the map at low zoom, search, lookups.
    location = models.PointField(_("location"), srid=SRID, null=True, blank=True)
    survey_status = models.CharField(
        _("survey status"), max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.NOT_SURVEYED
    )
    vacant_since = models.PositiveSmallIntegerField(
        _("vacant since (C.E. year)"),
        null=True,
        blank=True,
        help_text=_("First tax year of the current vacant spell (s.43 escalation)."),
    )
    exemption = models.CharField(_("exemption"), max_length=20, choices=Exemption.choices, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True, help_text=_("Split, merged, gone."))
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="parcels"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization_id", "code"]
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"],
                condition=Q(retired_on__isnull=True),
                name="parcel_code_unique_per_org",
            ),
            models.CheckConstraint(condition=Q(code__regex=PARCEL_CODE_PATTERN), name="parcel_code_form"),
            models.CheckConstraint(condition=Q(area_ngan__lte=3), name="parcel_ngan_0_3"),
            models.CheckConstraint(condition=Q(area_wah__gte=0, area_wah__lt=100), name="parcel_wah_0_100"),
            models.CheckConstraint(
                condition=Q(area_square_wah=F("area_rai") * 400 + F("area_ngan") * 100 + F("area_wah")),
                name="parcel_square_wah_is_rai_ngan_wah",
            ),
            models.CheckConstraint(
                condition=Q(area_square_metres=F("area_square_wah") * 4), name="parcel_square_metres_derived"
            ),
            models.CheckConstraint(
                condition=Q(vacant_since__isnull=True)
                | Q(vacant_since__gte=1900, vacant_since__lte=MAX_CE_YEAR),
                name="parcel_vacant_since_ce_year",
            ),
            *_use_split_constraints("parcel"),
        ]
        indexes = [
            models.Index(fields=["organization", "code"], name="parcel_org_code"),
            models.Index(fields=["organization", "deed_number"], name="parcel_org_deed"),
            models.Index(fields=["organization", "use"], name="parcel_org_use"),
            models.Index(fields=["organization", "survey_status"], name="parcel_org_survey"),
            # The map asks "what shows in this box": the surveyed geometry, else the pin. One GiST index on
            # that expression (an OR of two columns would scan the whole geometry index for its NULLs).
            GistIndex(
                Coalesce("geometry", "location", output_field=models.GeometryField(srid=SRID)),
                name="parcel_shape_gist",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Building(UseSplit):
    """A building (สิ่งปลูกสร้าง) on a parcel; code `<parcel>/<number>` as on the tax map."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="buildings")
    number = models.PositiveSmallIntegerField(_("number on the parcel"))
    house_number = models.CharField(_("house number (บ้านเลขที่)"), max_length=30, blank=True)
    house_id = models.CharField(
        _("house ID (รหัสประจำบ้าน)"), max_length=11, blank=True, validators=[house_id_validator]
    )
    type_code = models.CharField(
        _("Treasury building type"), max_length=4, validators=[building_type_code_validator]
    )
    construction = models.CharField(_("construction"), max_length=16, choices=Construction.choices)
    floor_area_m2 = models.DecimalField(_("floor area m²"), max_digits=12, decimal_places=2)
    year_built = models.PositiveSmallIntegerField(
        _("year completed (C.E.)"), validators=[MinValueValidator(1800), MaxValueValidator(MAX_CE_YEAR)]
    )
    storeys = models.PositiveSmallIntegerField(_("storeys"), default=1, validators=[MinValueValidator(1)])
    footprint = models.MultiPolygonField(_("footprint"), srid=SRID, null=True, blank=True)
    demolished_on = models.DateField(_("demolished on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization_id", "parcel_id", "number"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(fields=["parcel", "number"], name="building_number_unique_per_parcel"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=999), name="building_number_1_999"),
            models.CheckConstraint(
                condition=Q(type_code__regex=BUILDING_TYPE_CODE_PATTERN), name="building_type_code_form"
            ),
            models.CheckConstraint(condition=Q(floor_area_m2__gt=0), name="building_floor_area_positive"),
            models.CheckConstraint(condition=Q(storeys__gte=1), name="building_storeys_positive"),
            models.CheckConstraint(
                condition=Q(year_built__gte=1800, year_built__lte=MAX_CE_YEAR), name="building_year_ce"
            ),
            *_use_split_constraints("building"),
        ]
        indexes = [
            models.Index(fields=["organization", "parcel"], name="building_org_parcel"),
            models.Index(fields=["organization", "type_code"], name="building_org_type"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.parcel.code}/{self.number:03d}"


class CondoUnit(UseSplit):
    """A condominium unit (ห้องชุด), valued per m² of the unit (s.35)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    parcel = models.ForeignKey(
        Parcel, on_delete=models.PROTECT, null=True, blank=True, related_name="condo_units"
    )
    condominium_code = models.CharField(
        _("condominium registration (ทะเบียนอาคารชุด)"), max_length=30, help_text=_("Key of the condo prices.")
    )
    condominium_name = models.CharField(_("condominium name"), max_length=200)
    building_name = models.CharField(_("building"), max_length=60, blank=True)
    unit_number = models.CharField(_("unit number"), max_length=30)
    floor = models.SmallIntegerField(_("floor"))
    area_m2 = models.DecimalField(_("unit area m²"), max_digits=10, decimal_places=2)
    title_deed_number = models.CharField(_("unit title deed (อ.ช.2)"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization_id", "condominium_code", "building_name", "unit_number"]
        verbose_name = _("condominium unit")
        verbose_name_plural = _("condominium units")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "condominium_code", "building_name", "unit_number"],
                name="condo_unit_unique_per_org",
            ),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="condo_unit_area_positive"),
            *_use_split_constraints("condo_unit"),
        ]
        indexes = [models.Index(fields=["organization", "condominium_code", "floor"], name="condo_org_code")]

    def __str__(self) -> str:
        parts = (self.condominium_name, self.building_name, self.unit_number)
        return " ".join(p for p in parts if p)


class Ownership(models.Model):
    """Who owns or possesses a parcel, building or condo unit, with which share, over which period.

    The taxpayer of a year is whoever holds it on 1 January: `valid_from <= 1 Jan < valid_to` (open end).
    Shares are exact fractions (1/3 has no finite decimal) and are read set-based as numerator/denominator.
    """

    class Kind(models.TextChoices):
        OWNER = "owner", _("owner")
        POSSESSOR = "possessor", _("possessor (ผู้ครอบครอง)")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="ownerships")
    parcel = models.ForeignKey(
        Parcel, on_delete=models.PROTECT, null=True, blank=True, related_name="ownerships"
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="ownerships"
    )
    condo_unit = models.ForeignKey(
        CondoUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="ownerships"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OWNER)
    share_numerator = models.PositiveIntegerField(_("share numerator"), default=1)
    share_denominator = models.PositiveIntegerField(_("share denominator"), default=1)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until (exclusive)"), null=True, blank=True)
    document = models.CharField(_("document"), max_length=200, blank=True, help_text=_("Transfer, will, …"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "valid_from", "id"]
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        constraints = [
            models.CheckConstraint(
                condition=Q(parcel__isnull=False, building__isnull=True, condo_unit__isnull=True)
                | Q(parcel__isnull=True, building__isnull=False, condo_unit__isnull=True)
                | Q(parcel__isnull=True, building__isnull=True, condo_unit__isnull=False),
                name="ownership_exactly_one_property",
            ),
            models.CheckConstraint(
                condition=Q(share_numerator__gte=1, share_numerator__lte=F("share_denominator")),
                name="ownership_share_0_1",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="ownership_period_forward",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "parcel", "valid_from"], name="ownership_org_parcel"),
            models.Index(fields=["organization", "building", "valid_from"], name="ownership_org_building"),
            models.Index(fields=["organization", "condo_unit", "valid_from"], name="ownership_org_condo"),
            models.Index(fields=["organization", "owner", "valid_from"], name="ownership_org_owner"),
        ]

    def __str__(self) -> str:
        # Also the audit log's label: names and codes people know, never row ids in English words.
        field = "parcel" if self.parcel_id else "building" if self.building_id else "condo_unit"
        return (
            f"{_related_label(self, 'owner')} · {_related_label(self, field)} "
            f"({self.share_numerator}/{self.share_denominator})"
        )


class HouseRegistration(models.Model):
    """An owner's name in the house registration (ทะเบียนบ้าน) of a building or unit: the s.41 residence
    exemptions need it on 1 January (`registered_on <= 1 Jan < moved_out_on`)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="house_registrations")
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="house_registrations"
    )
    condo_unit = models.ForeignKey(
        CondoUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="house_registrations"
    )
    registered_on = models.DateField(_("registered on"))
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "registered_on", "id"]
        verbose_name = _("house registration")
        verbose_name_plural = _("house registrations")
        constraints = [
            models.CheckConstraint(
                condition=Q(building__isnull=False, condo_unit__isnull=True)
                | Q(building__isnull=True, condo_unit__isnull=False),
                name="house_registration_one_home",
            ),
            models.CheckConstraint(
                condition=Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=F("registered_on")),
                name="house_registration_period_forward",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "owner"], name="house_reg_org_owner"),
            models.Index(fields=["organization", "building"], name="house_reg_org_building"),
            models.Index(fields=["organization", "condo_unit"], name="house_reg_org_condo"),
        ]

    def __str__(self) -> str:
        home = "building" if self.building_id else "condo_unit"
        return f"{_related_label(self, 'owner')} · {_related_label(self, home)}"


class Signboard(models.Model):
    """A sign (ป้าย) for the Signboard Tax; its area is width × height, kept in a column for the run."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="signboards")
    parcel = models.ForeignKey(
        Parcel, on_delete=models.PROTECT, null=True, blank=True, related_name="signboards"
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="signboards"
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    location = models.PointField(_("location"), srid=SRID, null=True, blank=True)
    sign_type = models.PositiveSmallIntegerField(_("sign type"), choices=SignType.choices)
    moving = models.BooleanField(_("moving or changeable message"), default=False)
    width_cm = models.DecimalField(_("width cm"), max_digits=8, decimal_places=1)
    height_cm = models.DecimalField(_("height cm"), max_digits=8, decimal_places=1)
    area_cm2 = models.DecimalField(_("area cm²"), max_digits=16, decimal_places=2)
    message = models.TextField(_("text on the sign"), blank=True)
    installed_on = models.DateField(_("installed on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    photo = CleanImageField(_("photo"), kind="signboards", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization_id", "id"]
        verbose_name = _("signboard")
        verbose_name_plural = _("signboards")
        constraints = [
            models.CheckConstraint(condition=Q(sign_type__in=[1, 2, 3]), name="signboard_type_1_3"),
            models.CheckConstraint(
                condition=Q(width_cm__gt=0, height_cm__gt=0), name="signboard_dimensions_positive"
            ),
            models.CheckConstraint(
                condition=Q(area_cm2=F("width_cm") * F("height_cm")), name="signboard_area_is_width_x_height"
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=F("installed_on")),
                name="signboard_removed_after_installed",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "owner"], name="signboard_org_owner"),
            models.Index(fields=["organization", "parcel"], name="signboard_org_parcel"),
            models.Index(
                fields=["organization", "photo"], condition=~Q(photo=""), name="signboard_org_photo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.width_cm:g}×{self.height_cm:g} cm · {_related_label(self, 'owner')}"


class ParcelPhoto(models.Model):
    """A photo taken on a field survey of a parcel, re-encoded on upload (no EXIF, so no device or GPS tags):
    where the surveyor stood is kept apart, as the phone reported it, with its accuracy."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="photos")
    file = CleanImageField(_("photo"), kind="parcels", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    taken_at = models.PointField(pgettext_lazy("photo", "taken at"), srid=SRID, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("GPS accuracy (m)"), null=True, blank=True)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    taken_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    taken_by_label = models.CharField(_("taken by"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "parcel_id", "-created_at", "-id"]
        verbose_name = _("parcel photo")
        verbose_name_plural = _("parcel photos")
        indexes = [
            models.Index(fields=["organization", "parcel", "-created_at"], name="parcel_photo_org_parcel"),
            models.Index(fields=["organization", "file"], name="parcel_photo_org_file"),
        ]

    def __str__(self) -> str:
        return _related_label(self, "parcel")
