// Makes Material's menu button (a <label> for a hidden checkbox) work with the keyboard:
// Enter or Space opens and closes the navigation drawer, and the state is announced.
(function () {
  var toggle = document.getElementById("__drawer");
  var button = document.querySelector('label.md-header__button[for="__drawer"]');
  if (!toggle || !button) return;
  function sync() { toggle.setAttribute("aria-expanded", toggle.checked ? "true" : "false"); }
  button.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      toggle.checked = !toggle.checked;
      toggle.dispatchEvent(new Event("change"));
      sync();
      if (toggle.checked) {
        var first = document.querySelector(".md-sidebar--primary a, .md-sidebar--primary label[tabindex]");
        if (first) first.focus();
      }
    }
  });
  toggle.addEventListener("change", sync);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked) { toggle.checked = false; sync(); button.focus(); }
  });
  sync();
})();
