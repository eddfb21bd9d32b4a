// The API documentation page (templates/api/docs.html): Swagger UI, served from the static files
// of drf-spectacular-sidecar, started here rather than by an inline script (the
// Content-Security-Policy allows scripts from this site only). Requests tried on the page carry
// the session's CSRF token on writes and ask for messages in the page's language.
(function () {
  "use strict";

  var SAFE = ["GET", "HEAD", "OPTIONS"];

  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    window.SwaggerUIBundle({
      url: root.dataset.schemaUrl,
      dom_id: "#swagger-ui",
      deepLinking: true,
      layout: "BaseLayout",
      presets: [window.SwaggerUIBundle.presets.apis],
      persistAuthorization: false,
      tryItOutEnabled: false,
      requestInterceptor: function (request) {
        var method = (request.method || "GET").toUpperCase();
        request.headers = request.headers || {};
        if (SAFE.indexOf(method) === -1) {
          request.headers["X-CSRFToken"] = root.dataset.csrfToken;
        }
        if (!request.headers["Accept-Language"]) {
          request.headers["Accept-Language"] = root.dataset.language || "vi";
        }
        return request;
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
