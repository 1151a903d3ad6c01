/* journal site: a tag filter over the session tables. Without JavaScript the tag
   links in each row still lead to the tag pages, so nothing depends on this. */
(function () {
  "use strict";

  function tableAfter(box) {
    for (var el = box.nextElementSibling; el; el = el.nextElementSibling) {
      if (el.tagName === "TABLE") return el;
      var inner = el.querySelector && el.querySelector("table");
      if (inner) return inner;
    }
    return null;
  }

  function columnIndex(table, name) {
    var heads = table.querySelectorAll("thead th");
    for (var i = 0; i < heads.length; i++) {
      if (heads[i].textContent.trim() === name) return i;
    }
    return -1;
  }

  function rowTags(row, index) {
    var cell = row.cells[index];
    if (!cell) return [];
    return Array.prototype.map.call(cell.querySelectorAll("a"), function (a) {
      return a.textContent.trim();
    });
  }

  function setup(box) {
    if (box.getAttribute("data-ready")) return;
    var table = tableAfter(box);
    if (!table) return;
    var index = columnIndex(table, box.getAttribute("data-column") || "Tags");
    if (index < 0) return;
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var counts = {};
    rows.forEach(function (row) {
      rowTags(row, index).forEach(function (tag) { counts[tag] = (counts[tag] || 0) + 1; });
    });
    var tags = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || a.localeCompare(b); });
    if (!tags.length) return;
    box.setAttribute("data-ready", "1");
    var label = document.createElement("span");
    label.className = "journal-filter__label";
    label.textContent = "Filter by tag:";
    box.appendChild(label);
    var status = document.createElement("span");
    status.className = "journal-filter__status";
    status.setAttribute("aria-live", "polite");
    var buttons = [];
    function choose(tag) {
      var shown = 0;
      rows.forEach(function (row) {
        var keep = tag === null || rowTags(row, index).indexOf(tag) >= 0;
        row.hidden = !keep;
        if (keep) shown++;
      });
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.journalTag === tag)); });
      status.textContent = tag === null ? "" : shown + " of " + rows.length + " shown";
    }
    [null].concat(tags).forEach(function (tag) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "journal-filter__tag";
      button.journalTag = tag;
      button.textContent = tag === null ? "all" : tag + " (" + counts[tag] + ")";
      button.addEventListener("click", function () { choose(tag); });
      buttons.push(button);
      box.appendChild(button);
    });
    box.appendChild(status);
    choose(null);
  }

  function setupAll() {
    document.querySelectorAll("div.journal-filter").forEach(setup);
  }

  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(setupAll);  /* Material: also after instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
