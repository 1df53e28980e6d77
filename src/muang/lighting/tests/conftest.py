import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashes(settings):
    """Device credentials are hashed with Django's password hashers; their production cost is not measured here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
