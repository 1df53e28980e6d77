"""A staticfiles finder for single files of npm packages (settings.MUANG_PACKAGE_STATIC_FILES).

STATICFILES_DIRS serves whole directories, which suits packages with a small `dist/` (htmx, Leaflet). OpenLayers
ships its browser build as one file in `dist/` but its stylesheet at the package's root, among a thousand ES
module sources nobody requests: this finder serves exactly the files named, under the names given, from the
installed package (never a copy in the repository, never a CDN).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder, searched_locations
from django.core import checks
from django.core.files.storage import FileSystemStorage


class PackageFileFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.files: dict[str, Path] = {
            name: Path(source) for name, source in getattr(settings, "MUANG_PACKAGE_STATIC_FILES", {}).items()
        }

    def check(self, **kwargs):
        return [
            checks.Warning(
                f"{source} (static file {name}) is missing: run the setup (npm ci).", id="muang.W001"
            )
            for name, source in self.files.items()
            if not source.is_file()
        ]

    def find(self, path, find_all=False, **kwargs):
        source = self.files.get(path)
        if source is None or not source.is_file():
            return [] if find_all else None
        searched_locations.append(str(source.parent))
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns):
        for name, source in self.files.items():
            if not source.is_file() or utils.matches_patterns(name, ignore_patterns or []):
                continue
            storage = FileSystemStorage(location=str(source.parent))
            prefix, _, filename = name.rpartition("/")
            if filename != source.name:
                continue  # a file is served under its own name, in a folder of our choosing
            storage.prefix = prefix
            yield filename, storage
