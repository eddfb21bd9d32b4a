// Behaviours shared by every page, declared in the markup with data- attributes (the
// Content-Security-Policy allows no inline script or on… handler):
//   <form data-confirm="Question?">  asks before submitting;
//   <select data-autosubmit>          submits its form when the choice changes;
//   <button hx-get=… data-expand-once> marks itself expanded and disabled after its request
//                                     (the unit tree's "show units under" buttons).
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm !== undefined) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.form && field.dataset && field.dataset.autosubmit !== undefined) {
      field.form.submit();
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var button = event.detail && event.detail.elt;
    if (button && button.dataset && button.dataset.expandOnce !== undefined) {
      button.setAttribute("aria-expanded", "true");
      button.disabled = true;
    }
  });
})();
