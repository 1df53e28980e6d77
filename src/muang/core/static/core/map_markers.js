// Muang's own code: the marker images and the zoom buttons' names of every map (core/_leaflet.html loads it right
// after leaflet.js). The zoom buttons' title and aria-label are Leaflet's English ("Zoom in") unless told: the
// template hands over the page language's words.
//
// Leaflet finds its marker images by reading the URL of leaflet.css's background image and cutting
// "marker-icon.png" off its end. The deployed static files carry a content hash in their names
// (marker-icon.2b3e1faf89f9.png, leaflet.d4c3a1e1c2f5.css), so that guess fails and every pin asks for
// "marker-icon-2x.png" next to the page: a broken image. The template hands over the real ({% static %}) URLs.
(function () {
  const script = document.currentScript;
  if (!script || typeof L === "undefined") return;
  L.Icon.Default.imagePath = ""; // a string: Leaflet no longer guesses; the URLs below are complete
  L.Icon.Default.mergeOptions({
    iconUrl: script.dataset.icon,
    iconRetinaUrl: script.dataset.iconRetina,
    shadowUrl: script.dataset.shadow,
  });
  if (script.dataset.zoomIn) {
    L.Control.Zoom.mergeOptions({ zoomInTitle: script.dataset.zoomIn, zoomOutTitle: script.dataset.zoomOut });
  }
})();
