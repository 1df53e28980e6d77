import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashes(request, settings):
    """Device credentials are hashed with Django's password hashers; their production cost is not measured here.
    (Not in the browser tests: the live server signs staff in with the hashes made at the start.)"""
    if request.node.get_closest_marker("browser") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
