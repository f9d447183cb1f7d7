/* policytext report: sortable and filterable tables, no external scripts. */
(function () {
  "use strict";
  var NUMBER = /^-?\d+(?:\.\d+)?%?$/;

  function cellKey(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var key = cell.getAttribute("data-sort");
    return key !== null ? key : cell.textContent.trim();
  }

  function compare(a, b) {
    if (NUMBER.test(a) && NUMBER.test(b)) { return parseFloat(a) - parseFloat(b); }
    if (a === "" && b !== "") { return 1; }
    if (b === "" && a !== "") { return -1; }
    return a.localeCompare(b, "zh-Hans-CN");
  }

  function sortBy(table, header, index) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var descending = header.getAttribute("aria-sort") === "ascending";
    var headers = table.tHead.rows[0].cells;
    for (var h = 0; h < headers.length; h++) { headers[h].removeAttribute("aria-sort"); }
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var order = compare(cellKey(r1, index), cellKey(r2, index));
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function setCount(id, shown, total) {
    var counters = document.querySelectorAll('[data-count-for="' + id + '"]');
    for (var i = 0; i < counters.length; i++) { counters[i].textContent = shown + " / " + total; }
  }

  function filterRows(items, query) {
    var needle = query.trim().toLowerCase();
    var shown = 0;
    for (var i = 0; i < items.length; i++) {
      var match = needle === "" || items[i].textContent.toLowerCase().indexOf(needle) !== -1;
      items[i].style.display = match ? "" : "none";
      if (match) { shown += 1; }
    }
    return shown;
  }

  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    if (!table.tHead) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      header.setAttribute("tabindex", "0");
      header.setAttribute("title", "点击排序 Click to sort");
      header.addEventListener("click", function () { sortBy(table, header, index); });
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(table, header, index); }
      });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter-for]"), function (input) {
    var id = input.getAttribute("data-filter-for");
    var table = document.getElementById(id);
    if (!table || !table.tBodies[0]) { return; }
    var rows = table.tBodies[0].rows;
    input.addEventListener("input", function () { setCount(id, filterRows(rows, input.value), rows.length); });
    setCount(id, rows.length, rows.length);
  });

  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter-details]"), function (input) {
    var id = input.getAttribute("data-filter-details");
    var list = document.getElementById(id);
    if (!list) { return; }
    var items = list.querySelectorAll("details");
    input.addEventListener("input", function () { setCount(id, filterRows(items, input.value), items.length); });
    setCount(id, items.length, items.length);
  });

  document.documentElement.setAttribute("data-report-ready", "1");
}());
