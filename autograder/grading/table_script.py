"""The class report's one script (sorting and filtering the all-learners table), and the
Content-Security-Policy source that lets exactly this script run: its SHA-256, so any
other script, a learner's included, stays forbidden. Kept here, not in a .js file,
so it ships with the package like any module."""

from __future__ import annotations

import base64
import hashlib

SCRIPT = """
// The all-learners table: click a heading to sort, type to filter. Reads cells' text and
// data-sort values only, and writes nothing but row order and visibility (no HTML).
(function () {
  "use strict";
  var table = document.getElementById("learners");
  var filter = document.getElementById("learners-filter");
  var count = document.getElementById("learners-count");
  if (!table || !filter) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  function key(row, column) {
    var cell = row.cells[column];
    var sort = cell.getAttribute("data-sort");
    return sort === null ? cell.textContent.toLowerCase() : parseFloat(sort);
  }
  function show() {
    var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var match = words.every(function (word) { return text.indexOf(word) >= 0; });
      row.hidden = !match;
      shown += match ? 1 : 0;
    });
    count.textContent = shown + " of " + rows.length;
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (heading, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = heading.textContent;
    heading.textContent = "";
    heading.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = heading.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
      heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = key(a, column), y = key(b, column);
        return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  filter.hidden = false;
  filter.addEventListener("input", show);
  show();
}());
"""


def script_source(script: str = SCRIPT) -> str:
    """The CSP source for an inline script of exactly this text."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
