// Swagger UI for /api/v1/docs (core/api_docs.html): settings from the page's JSON block; calls made from the
// page by a signed-in staff member carry the CSRF token that the session authentication asks for.
(function () {
  const config = JSON.parse(document.getElementById("swagger-settings").textContent);
  const csrfToken = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  if (csrfToken) {
    config.requestInterceptor = (request) => { request.headers["X-CSRFToken"] = csrfToken; return request; };
  }
  window.muangApiDocs = SwaggerUIBundle(config);
})();
