"""Front-end libraries of every app, served from the npm packages the setup step installs (never a CDN, never a
copy in the repository): each app lists them in `AppContract.vendor_static`, this finder finds them."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import FileSystemFinder
from django.core.checks import Error

from muang.core import registry


class VendorFinder(FileSystemFinder):
    """`FileSystemFinder` over the apps' declared `node_modules` directories instead of STATICFILES_DIRS."""

    def __init__(self, app_names=None, *args, **kwargs):
        self.locations = []
        self.storages = {}
        node_modules = Path(settings.NODE_MODULES)
        for prefix, directory in registry.vendor_static():
            self.locations.append((prefix, str(node_modules / directory)))
        from django.core.files.storage import FileSystemStorage

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
