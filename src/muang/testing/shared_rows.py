"""Rows built once for a whole test module (or class) and shared by its tests, each test still isolated.

Django's `TestCase.setUpTestData` for pytest: the rows are written inside a transaction that stays open for the
module; every test then runs in a savepoint of it (pytest-django's `db`), rolled back after the test, so a test
sees the shared rows exactly as they were built, whatever the tests before it wrote. At the end of the module
the outer transaction is rolled back too: nothing is ever committed.

    @pytest.fixture(scope="module")
    def _world_once(django_db_setup, django_db_blocker):
        yield from built_once(django_db_blocker, build_world)

    @pytest.fixture
    def world(_world_once, db, settings):
        return fresh(_world_once, settings)

`fresh` hands each test a deep copy of the Python objects (as `setUpTestData` does), so a test that changes an
attribute in memory does not leak it into the next test. Only for non-transactional tests: a test marked
`django_db(transaction=True)` (or using `live_server`) must not share a module with such a fixture.
"""

import copy
import shutil
import tempfile
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from django.db import connection, transaction
from django.test import override_settings

T = TypeVar("T")


@dataclass
class Shared(Generic[T]):
    value: T  # what `build()` returned
    root: Path  # the media and private files written while building (kept until the module ends)


def built_once(django_db_blocker, build: Callable[[], T], **overrides: Any) -> Generator[Shared[T]]:
    """Build `build()` inside a transaction kept open until the fixture's scope ends, then rolled back.

    While building, uploaded and generated files go to a directory of the module's own (`fresh` points each
    test's MEDIA_ROOT there, so the tests find them); `overrides` are settings for the build only (say a fast
    PASSWORD_HASHERS, or LANGUAGE_CODE="en" as the domain tests' autouse fixture sets)."""
    from muang.conftest import load_area_slice

    root = Path(tempfile.mkdtemp(prefix="muang-shared-"))
    files = {"MEDIA_ROOT": root / "media", "MUANG_PRIVATE_ROOT": root / "private"}
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        # As a TestCase's class-level transaction: a durable block inside a test is still allowed.
        connection.atomic_blocks[-1]._from_testcase = True
        try:
            with override_settings(**files, **overrides):
                load_area_slice()  # the DOPA slice the `areas` fixture loads: most builders need it
                built = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            shutil.rmtree(root, ignore_errors=True)
            raise
    try:
        yield Shared(built, root)
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        shutil.rmtree(root, ignore_errors=True)


def fresh(shared: Shared[T], settings) -> T:
    """A test's own deep copy of the shared Python objects (the rows themselves are shared, and rolled back after
    each test), with the test's MEDIA_ROOT and MUANG_PRIVATE_ROOT at the files the build wrote."""
    settings.MEDIA_ROOT = shared.root / "media"
    settings.MUANG_PRIVATE_ROOT = shared.root / "private"
    return copy.deepcopy(shared.value)
