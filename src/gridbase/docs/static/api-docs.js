// Switches the examples between languages and between field ids and field names.
(function () {
  var body = document.body;
  function choose(name, value) {
    body.setAttribute("data-" + name, value);
    try { localStorage.setItem("gridbase-docs-" + name, value); } catch (e) { /* private mode */ }
    var picker = document.getElementById("pick-" + name);
    if (picker) { picker.value = value; }
  }
  ["lang", "keys"].forEach(function (name) {
    var picker = document.getElementById("pick-" + name);
    var saved = null;
    try { saved = localStorage.getItem("gridbase-docs-" + name); } catch (e) { saved = null; }
    if (saved && picker && picker.querySelector('option[value="' + saved + '"]')) { choose(name, saved); }
    if (picker) { picker.addEventListener("change", function () { choose(name, picker.value); }); }
  });
})();
