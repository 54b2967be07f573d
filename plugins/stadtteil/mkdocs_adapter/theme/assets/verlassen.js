// „Seite schnell verlassen“: the link (data-st-exit) leads to a harmless page of the site itself, and
// works without this script. With it, the page is replaced instead of left (location.replace): the
// browser's Back button does not lead back to it, and what it showed disappears at once.
(function () {
  var links = document.querySelectorAll("a[data-st-exit]");
  if (!links.length) return;
  function leave(event) {
    if (event.button > 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    document.body.hidden = true;
    window.location.replace(this.href);
  }
  Array.prototype.forEach.call(links, function (link) { link.addEventListener("click", leave); });
})();
