// Keeps the dates on a page true when the daily rebuild did not run (deploy/README.md, „Seiten, die sich
// im Browser selbst korrigieren“). Everything it needs is in the page: it requests nothing.
//  - Items with data-st-end (dates of offers, events) go once they have ended; a list with data-st-show
//    then shows its next hidden spares, as many as it showed when it was built.
//  - „Heute im Stadtteilbüro“ and „Diese Woche“ are replaced by the visitor's day, taken from the days the
//    build rendered ahead (data-st-days): the same markup a rebuild on that day would give.
//  - A page with dates that is more than two days older than the visitor's day says so, with its build
//    date and the way to the calendars (they carry the rules and never go stale).
// Without JavaScript the page stays as built, with its „Stand der Termine“ line.
(function () {
  "use strict";
  var stand = document.querySelector("[data-st-built]");
  if (!stand || !window.Intl || !document.querySelectorAll) return;
  var built = stand.getAttribute("data-st-built");
  var now = new Date();
  // The office's day, whatever the visitor's device is set to: the dates are Bottrop's.
  var today = new Intl.DateTimeFormat("en-CA", {timeZone: "Europe/Berlin", year: "numeric", month: "2-digit",
                                                day: "2-digit"}).format(now);
  var dated = false;

  function addDays(iso, n) {
    var d = new Date(iso + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  // „Heute“ and „Diese Woche“ for the visitor's day, when it is another day than the build's.
  var blocks = document.querySelectorAll("[data-st-days]");
  for (var i = 0; i < blocks.length; i++) {
    dated = true;
    var kind = blocks[i].getAttribute("data-st-days");
    var target = document.querySelector(kind === "today" ? ".st-today" : ".st-nextdays");
    if (today === built || !target) continue;
    var data;
    try { data = JSON.parse(blocks[i].getAttribute("data-st-json")); } catch (e) { continue; }
    if (kind === "today") {
      if (data.days[today] === undefined) continue;      // beyond what the build carried: leave as built
      target.outerHTML = data.days[today];
    } else {
      var html = "", known = true;
      for (var n = 1; n <= 7 && known; n++) {
        var day = data.days[addDays(today, n)];
        if (day === undefined) known = false; else html += day;
      }
      if (known) target.innerHTML = html || data.empty;
    }
  }

  // Dates that have ended go; lists keep as many as they showed.
  var items = document.querySelectorAll("[data-st-end]");
  for (var j = 0; j < items.length; j++) {
    dated = true;
    if (new Date(items[j].getAttribute("data-st-end")) < now) items[j].parentNode.removeChild(items[j]);
  }
  var lists = document.querySelectorAll("[data-st-show]");
  for (var k = 0; k < lists.length; k++) {
    var show = parseInt(lists[k].getAttribute("data-st-show"), 10), left = lists[k].children;
    for (var m = 0; m < left.length; m++) left[m].hidden = m >= show;
  }

  // An old page says so, politely, at the top of its content.
  var age = (Date.parse(today) - Date.parse(built)) / 86400000;
  var note = document.querySelector("[data-st-stale]"), text = document.getElementById("st-stale-text");
  if (dated && age > 2 && note && text) {
    note.appendChild(text.content.cloneNode(true));
    note.hidden = false;
  }
})();
