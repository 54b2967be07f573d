// Filters the A–Z list of the search page as residents type. The list itself is the index: it is
// loaded only on this page, only in this page's language, and everything works without this script.
(function () {
  var input = document.getElementById("st-search-input");
  if (!input) return;
  input.form.hidden = false;
  var items = Array.prototype.slice.call(document.querySelectorAll(".st-search__list li"));
  var count = document.querySelector(".st-search__count");
  function normalise(text) {
    return text.toLowerCase().replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss");
  }
  var texts = items.map(function (li) { return normalise(li.getAttribute("data-text")); });
  function update() {
    var words = normalise(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (li, i) {
      var match = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
      li.hidden = !match;
      if (match) shown += 1;
    });
    // The words come from the page (data-one, data-many), in the page's language.
    count.textContent = words.length ? shown + " " + (shown === 1 ? count.dataset.one : count.dataset.many) : "";
  }
  input.addEventListener("input", update);
  var query = new URLSearchParams(location.search).get("q");
  if (query) { input.value = query; update(); }
})();
