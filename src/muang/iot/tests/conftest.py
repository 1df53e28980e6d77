import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashes(settings):
    """Device credentials are hashed with Django's password hashers; the production hasher's cost (by design
    ~0.5 s) is not what these tests measure."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


from muang.iot.tests.lorawan_fixtures import city, frozen  # noqa: E402, F401  (the LoRaWAN tests' fixtures)
