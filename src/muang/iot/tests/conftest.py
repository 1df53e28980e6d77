import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashes(settings):
    """Device credentials are hashed with Django's password hashers; the production hasher's cost (by design
    ~0.5 s) is not what these tests measure."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    """The MQTT tests' world: two air-quality devices of one organisation, and a third of another organisation
    with the same serial as the first; each with its `secret` (the MQTT password)."""
    from muang.core.tests.factories import OrganizationFactory
    from muang.iot.tests.factories import air_profile, device

    org, other = OrganizationFactory(), OrganizationFactory()
    profile = air_profile(org)
    a, a_secret = device(org, profile, serial="AQ-1")
    b, b_secret = device(org, profile, serial="AQ-2")
    c, c_secret = device(other, air_profile(other), serial="AQ-1")  # the same serial in another organisation
    a.secret, b.secret, c.secret = a_secret, b_secret, c_secret
    return org, other, a, b, c


from muang.iot.tests.lorawan_fixtures import city, frozen  # noqa: E402, F401  (the LoRaWAN tests' fixtures)
