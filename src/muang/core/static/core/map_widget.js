// Starts Django's OLMapWidget (gis/js/OLMapWidget.js) for each map field of an admin form, with the options
// the server wrote into a JSON data block and the installation's own base map: no inline script (CSP).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const wrapper of document.querySelectorAll("[data-map-widget]")) {
    const options = JSON.parse(document.getElementById(wrapper.dataset.mapWidget).textContent);
    options.base_layer = new ol.layer.Tile({ source: new ol.source.XYZ({ url: options.tiles, maxZoom: 19 }) });
    // The widget object is kept on the element, as Django keeps it in a global: tests and scripts reach it there.
    wrapper.mapWidget = new MapWidget(options);
  }
});
