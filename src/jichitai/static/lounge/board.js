// A dashboard's filters drive every tile at once: changing the area or the year submits the form (one request).
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
