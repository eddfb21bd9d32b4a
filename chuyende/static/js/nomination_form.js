// The nomination form: only the fieldset of the chosen kind (a member or a collective) shows;
// kept in step after htmx swaps part of the form.
(function () {
  "use strict";

  function follow() {
    var chosen = document.querySelector('#nomination-form input[name="kind"]:checked');
    document.querySelectorAll("#nomination-form [data-kind]").forEach(function (box) {
      box.hidden = Boolean(chosen) && box.dataset.kind !== chosen.value;
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "kind") {
      follow();
    }
  });
  document.addEventListener("htmx:afterSettle", follow);
  follow();
})();
