// Progress of a running job: poll its status and reload the page when it is finished.
// A static file (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  function watch(box) {
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector("progress");
    var step = box.querySelector(".step");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (s) {
          if (bar) { bar.value = s.percent; bar.textContent = s.percent + "%"; }
          if (step) { step.textContent = s.step; }
          if (s.active) { window.setTimeout(poll, 1000); } else { window.location.reload(); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 700);
  }
  // Choices that do not apply while another field is set (a new decree's lampiran, when it
  // starts from another decree: its lampiran are that decree's).
  function offWith(box) {
    var other = document.getElementById(box.getAttribute("data-off-with"));
    if (!other) { return; }
    function update() { box.disabled = other.value !== ""; }
    other.addEventListener("change", update);
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-status-url]").forEach(watch);
    document.querySelectorAll("[data-off-with]").forEach(offWith);
  });
})();
