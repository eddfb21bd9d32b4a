// The attendance register: a filter over the names on the page (accents and đ ignored, as on
// the server), tick/untick all shown, and the counts of ticked and shown names.
(function () {
  "use strict";

  var filter = document.getElementById("register-filter");
  var list = document.getElementById("register-rows");
  if (!filter || !list) {
    return;
  }
  var rows = Array.prototype.slice.call(list.querySelectorAll("li[data-search]"));
  var ticked = document.getElementById("ticked-count");
  var shown = document.getElementById("shown-count");

  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function visible() {
    return rows.filter(function (row) { return !row.hidden; });
  }
  function count() {
    var n = list.querySelectorAll('input[name="member"]:checked').length;
    ticked.textContent = n;
    ticked.dataset.count = n;
    shown.textContent = visible().length;
  }
  function apply() {
    var words = fold(filter.value).split(" ").filter(Boolean);
    rows.forEach(function (row) {
      var text = row.dataset.search;
      row.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
    });
    count();
  }
  function tick(value) {
    visible().forEach(function (row) { row.querySelector('input[name="member"]').checked = value; });
    count();
  }

  filter.addEventListener("input", apply);
  filter.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
    }
  });
  document.getElementById("tick-shown").addEventListener("click", function () { tick(true); });
  document.getElementById("untick-shown").addEventListener("click", function () { tick(false); });
  list.addEventListener("change", count);
  count();
})();
