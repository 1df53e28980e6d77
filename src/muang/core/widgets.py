"""The map widget of the Django admin (organisation boundaries; parcels and signboards read-only), without CDN.

Django's OSMWidget loads OpenLayers from a CDN and starts it with an inline script: an installation that is
offline (or behind a Content-Security-Policy) gets no map. This one loads OpenLayers from the npm package `ol`
(muang.core.staticfiles), draws the installation's own base map (settings.MUANG_MAP_TILES) and starts Django's
OLMapWidget.js from a static script, reading its options from a JSON data block.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.forms.widgets import OSMWidget


def tile_url_for_openlayers(url: str) -> str:
    """Leaflet's `{s}` subdomains are OpenLayers' `{a-c}`; `{z}/{x}/{y}` are the same."""
    return url.replace("{s}", "{a-c}")


class OfflineMapWidget(OSMWidget):
    template_name = "core/widgets/map.html"
    # An empty map opens on Thailand.
    default_lon = 100.99
    default_lat = 13.76
    default_zoom = 6

    class Media:
        extend = False  # not OSMWidget's CDN files
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js", "core/map_widget.js")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["options_id"] = f"{context['id']}_map_options"
        context["map_options"] = {
            "geom_name": context["geom_type"],
            "id": context["id"],
            "map_id": f"{context['id']}_map",
            "map_srid": self.map_srid,
            "name": name,
            "default_lon": context["default_lon"],
            "default_lat": context["default_lat"],
            "default_zoom": context["default_zoom"],
            "tiles": tile_url_for_openlayers(settings.MUANG_MAP_TILES),
        }
        return context
