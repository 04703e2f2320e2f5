/* Structured editors (tenants/json_editors.py): "add" and "remove" for their rows. Without this script the
 * page still works: the server renders empty rows, and a row is removed by emptying it. A new row is the
 * editor's <template> with __ROW__ set to the next free index, so its inputs' names never collide. Listens on
 * the document, so editors added later (an inline's "add another") work too. */
(function () {
  "use strict";

  function ready(root) {
    root.querySelectorAll("[data-json-editor-add], [data-json-editor-remove]").forEach(function (button) {
      button.classList.remove("hidden");
    });
    root.querySelectorAll("[data-json-editor-no-script]").forEach(function (hint) {
      hint.classList.add("hidden");
    });
  }

  function showClosed(day) {
    // A weekday with no time filled in says "closed".
    var label = day && day.querySelector("[data-json-editor-closed]");
    if (!label) {
      return;
    }
    var open = Array.prototype.some.call(day.querySelectorAll("[data-json-editor-rows] input"), function (input) {
      return input.value !== "";
    });
    label.classList.toggle("hidden", open);
  }

  function add(button) {
    var list = button.closest("[data-json-editor-list]");
    var rows = list && list.querySelector("[data-json-editor-rows]");
    var template = list && list.querySelector("template[data-json-editor-template]");
    if (!rows || !template) {
      return;
    }
    var index = parseInt(rows.getAttribute("data-next-row"), 10) || rows.children.length;
    rows.setAttribute("data-next-row", String(index + 1));
    var fresh = document.createElement("template");
    fresh.innerHTML = template.innerHTML.replaceAll("__ROW__", String(index));
    var row = fresh.content.firstElementChild;
    rows.appendChild(fresh.content);
    if (row) {
      ready(row);
      var first = row.querySelector("input, textarea");
      if (first) {
        first.focus();
      }
    }
  }

  function remove(button) {
    var row = button.closest("[data-json-editor-row]");
    var day = button.closest("[data-json-editor-day]");
    if (row) {
      row.remove();
      showClosed(day);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-json-editor-add], [data-json-editor-remove]");
    if (!button) {
      return;
    }
    event.preventDefault();
    if (button.hasAttribute("data-json-editor-add")) {
      add(button);
    } else {
      remove(button);
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.closest) {
      showClosed(event.target.closest("[data-json-editor-day]"));
    }
  });

  document.addEventListener("formset:added", function (event) {
    ready(event.target);
  });

  function start() {
    ready(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
