// A contest attempt: answers are kept on the device (localStorage) at each change and saved to
// the server 2 s after the last one; a reload restores them; the countdown submits the form
// when the time is up. The result page (data-forget-attempt) forgets the device's copy.
(function () {
  "use strict";

  var done = document.querySelector("[data-forget-attempt]");
  if (done) {
    try {
      localStorage.removeItem("contest-attempt-" + done.dataset.forgetAttempt);
    } catch (e) {
      // storage unavailable (private mode): nothing was kept
    }
  }

  var form = document.getElementById("attempt-form");
  if (!form) {
    return;
  }
  var key = "contest-attempt-" + form.dataset.token;
  var state = document.getElementById("save-state");
  var prediction = document.getElementById("prediction");

  function collect() {
    var answers = {};
    form.querySelectorAll("input.form-check-input:checked").forEach(function (input) {
      var id = input.name.slice(1);
      (answers[id] = answers[id] || []).push(input.value);
    });
    return {answers: answers, prediction: prediction.value};
  }
  function restore() {
    var saved;
    try {
      saved = JSON.parse(localStorage.getItem(key) || "null");
    } catch (e) {
      saved = null;
    }
    if (!saved) {
      return;
    }
    Object.keys(saved.answers || {}).forEach(function (id) {
      form.querySelectorAll('input[name="q' + id + '"]').forEach(function (input) {
        input.checked = saved.answers[id].indexOf(input.value) !== -1;
      });
    });
    if (saved.prediction) {
      prediction.value = saved.prediction;
    }
  }
  var timer = null;
  function saveToServer() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    var current = collect();
    data.append("answers_json", JSON.stringify(current.answers));
    data.append("prediction", current.prediction.replace(/\D/g, ""));
    fetch(form.dataset.saveUrl, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (r) {
        if (r.ok) {
          state.textContent = state.dataset.savedText;
          state.dataset.saved = "server";
        }
      })
      .catch(function () {});
  }
  function changed() {
    try {
      localStorage.setItem(key, JSON.stringify(collect()));
    } catch (e) {
      // storage unavailable: the server copy still follows
    }
    state.textContent = state.dataset.keptText;
    state.dataset.saved = "device";
    clearTimeout(timer);
    timer = setTimeout(saveToServer, 2000);
  }

  restore();
  form.addEventListener("change", changed);
  prediction.addEventListener("input", changed);
  var sent = false;
  form.addEventListener("submit", function () {
    sent = true;
    document.getElementById("submit-attempt").disabled = true;
  });
  var left = document.getElementById("time-left");
  var end = Date.now() + 1000 * parseInt(left.dataset.seconds, 10);
  function tick() {
    var s = Math.max(0, Math.round((end - Date.now()) / 1000));
    left.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    if (s === 0 && !sent) {
      sent = true;
      form.submit();
      return;
    }
    if (s > 0) {
      setTimeout(tick, 1000);
    }
  }
  tick();
})();
