"""Front-end libraries of every app, served from the npm packages the setup step installs (never a CDN, never a
copy in the repository).

- `VendorFinder`: whole directories of packages with a small `dist/` (htmx, Leaflet): each app lists them in
  `AppContract.vendor_static`.
- `PackageFileFinder`: single files (settings.MUANG_PACKAGE_STATIC_FILES). OpenLayers ships its browser build as
  one file in `dist/` but its stylesheet at the package's root, among a thousand ES module sources nobody
  requests: this finder serves exactly the files named, under the names given, from the installed package.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder, FileSystemFinder, searched_locations
from django.core import checks
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

from muang.core import registry


class VendorFinder(FileSystemFinder):
    """`FileSystemFinder` over the apps' declared `node_modules` directories instead of STATICFILES_DIRS."""

    def __init__(self, app_names=None, *args, **kwargs):
        self.locations = []
        self.storages = {}
        node_modules = Path(settings.NODE_MODULES)
        for prefix, directory in registry.vendor_static():
            self.locations.append((prefix, str(node_modules / directory)))
        for prefix, root in self.locations:
            storage = FileSystemStorage(location=root)
            storage.prefix = prefix
            self.storages[root] = storage
        # BaseFinder.__init__ only; FileSystemFinder's would read STATICFILES_DIRS again.
        super(FileSystemFinder, self).__init__(*args, **kwargs)

    def check(self, **kwargs):
        return [
            Error(f"The static prefix {prefix!r} of an app's vendor_static must not end with a slash.")
            for prefix, _root in self.locations
            if prefix.endswith("/")
        ]


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
