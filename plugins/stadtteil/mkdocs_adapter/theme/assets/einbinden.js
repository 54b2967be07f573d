// <stadtteil-termine>: the next dates of the Stadtteilbüro on a partner's website (docs/kalender.md,
// „Termine auf anderen Websites“). It reads one static JSON of this site (embed.py: texts already in
// the chosen language), without cookies and without referrer, and writes a plain list into the
// partner's page, in its fonts. Dates that have ended since the build are left out. Without
// JavaScript, or when the file cannot be loaded, the link inside the element stays as it is.
// On this site's page „Für Partner: Termine einbinden“ the same file drives the choice, the preview
// and the copy button.
(function () {
  "use strict";
  if (!window.customElements || !window.fetch || !window.URL) return;

  function el(name, text, attrs) {
    var node = document.createElement(name);
    if (text) node.textContent = text;
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    return node;
  }

  function render(host, data) {
    var limit = parseInt(host.getAttribute("data-anzahl"), 10) || 5;
    var now = Date.now();
    var items = (data.items || []).filter(function (i) { return Date.parse(i.end) > now; }).slice(0, limit);
    var box = el("div", "", {"class": "st-embed", lang: data.lang, dir: data.dir});
    if (items.length) {
      var list = el("ul", "", {"aria-label": data.label});
      items.forEach(function (item) {
        var li = el("li", "", item.status ? {"class": "st-embed-off"} : {});
        li.appendChild(el("time", item.date + ", " + item.time, {datetime: item.start}));
        li.appendChild(document.createTextNode(": "));
        li.appendChild(el("a", item.title, {href: item.url}));
        if (item.status) {
          li.appendChild(document.createTextNode(" "));
          li.appendChild(el("strong", "(" + item.status + ")"));
        }
        list.appendChild(li);
      });
      box.appendChild(list);
    } else {
      box.appendChild(el("p", data.empty));
    }
    var more = el("p");
    more.appendChild(el("a", data.more.text, {href: data.more.href}));
    box.appendChild(more);
    host.replaceChildren(box);
  }

  function Termine() { return Reflect.construct(HTMLElement, [], Termine); }
  Termine.prototype = Object.create(HTMLElement.prototype);
  Termine.prototype.constructor = Termine;
  Object.setPrototypeOf(Termine, HTMLElement);
  Termine.observedAttributes = ["data-src", "data-anzahl"];
  Termine.prototype.connectedCallback = function () { this.load(); };
  Termine.prototype.attributeChangedCallback = function () { if (this.isConnected) this.load(); };
  Termine.prototype.load = function () {
    var host = this, src = this.getAttribute("data-src");
    if (!src) return;
    var ticket = {};
    this._ticket = ticket;
    fetch(new URL(src, document.baseURI).href, {credentials: "omit", referrerPolicy: "no-referrer", mode: "cors"})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) { if (host._ticket === ticket) render(host, data); })
      .catch(function () { /* the link inside the element stays */ });
  };
  if (!customElements.get("stadtteil-termine")) customElements.define("stadtteil-termine", Termine);

  // The page for partners: choice and language change the preview and the code to copy.
  var builder = document.querySelector("[data-st-embed-builder]");
  if (!builder) return;
  var choice = builder.querySelector("[data-st-embed-choice]");
  var lang = builder.querySelector("[data-st-embed-lang]");
  var code = document.querySelector("[data-st-embed-code]");
  var preview = document.querySelector("[data-st-embed-preview]");
  var copy = document.querySelector("[data-st-embed-copy]");
  var status = document.querySelector("[data-st-embed-status]");
  var fallbacks = JSON.parse(builder.getAttribute("data-fallbacks"));
  var site = builder.getAttribute("data-site"), local = builder.getAttribute("data-local");
  // The code is HTML for the partner's page: the office's name in the link text is escaped there.
  function html(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function update() {
    var file = lang.value + "/" + choice.value + ".json";
    var back = fallbacks[lang.value];
    code.textContent = '<stadtteil-termine data-src="' + html(site + "einbinden/" + file) + '" data-anzahl="5">\n' +
      '  <a href="' + html(back.href) + '">' + html(back.text) + "</a>\n</stadtteil-termine>\n" +
      '<script src="' + html(site) + 'assets/einbinden.js" defer></script>';
    preview.setAttribute("data-src", local + file);
  }
  choice.addEventListener("change", update);
  lang.addEventListener("change", update);
  var hidden = document.querySelectorAll("[data-st-embed-js]");
  for (var i = 0; i < hidden.length; i++) hidden[i].hidden = false;
  if (copy && navigator.clipboard) {
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(code.textContent).then(function () {
        status.textContent = status.getAttribute("data-done");
      });
    });
  }
})();
