"""Source references of bills: one format, built and read only through SourceKind and SourceRef."""

import pytest

from muang.billing.sources import InvalidSourceRef, SourceKind, SourceRef, validate_source_ref

OWNER = SourceKind("property", "owner")


def test_a_reference_formats_and_parses_back():
    ref = OWNER.ref(42)
    assert str(ref) == "property:owner:42"
    assert SourceRef.parse("property:owner:42") == ref
    assert ref.int_key == 42 and OWNER.prefix == "property:owner:"
    assert OWNER.owns("property:owner:42") and not OWNER.owns("property:signboard-owner:42")
    application = SourceKind("eservice", "application").ref("AB-12.3")
    assert SourceRef.parse(str(application)) == application and application.int_key is None


@pytest.mark.parametrize(
    "text",
    ["", "property:owner", "property:owner:", "property:owner:4:2", "Property:owner:1", "property:own er:1",
     ":owner:1", "property::1", "property:owner:-1", "property:owner:ก", "p:o:" + "1" * 41, "x" * 101],
)  # fmt: skip
def test_malformed_references_are_refused(text):
    with pytest.raises(InvalidSourceRef):
        SourceRef.parse(text)
    assert SourceRef.parse_or_none(text) is None


def test_kinds_and_keys_are_validated_when_built():
    with pytest.raises(InvalidSourceRef):
        SourceKind("property", "Owner")
    with pytest.raises(InvalidSourceRef):
        OWNER.ref("a:b")
    assert validate_source_ref("") == ""
    with pytest.raises(InvalidSourceRef):
        validate_source_ref("owner 42")
