/* Every POST form is sent once (core/once.py). Each form gets a token (_once) when the page is shown, or
 * when it is sent if it was added later; the server does what a token asks once and answers a repeat with
 * the first answer. While a form is being sent its buttons are disabled and the one pressed says so; they
 * come back if the page is shown again from the history, or after a while when the answer was a file
 * (which leaves the page in place). */
(function () {
  "use strict";

  var FIELD = "_once";
  var BACK_AFTER_MS = 15000;

  function token() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  function isPost(form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post";
  }

  function withToken(form) {
    if (isPost(form) && !form.querySelector("input[name='" + FIELD + "']")) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = FIELD;
      input.value = token();
      form.appendChild(input);
    }
  }

  function buttons(form) {
    // form.elements: the form's buttons, also those outside it that name it (form="…"), as Unfold's do.
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "submit";
    });
  }

  function setBusy(form, submitter, busy) {
    buttons(form).forEach(function (button) {
      button.disabled = busy;
      button.setAttribute("aria-busy", busy ? "true" : "false");
    });
    if (!submitter || submitter.tagName !== "BUTTON" || submitter.children.length) {
      return;
    }
    if (busy) {
      submitter.setAttribute("data-idle-text", submitter.textContent);
      submitter.textContent = submitter.getAttribute("data-busy-text") || "Working…";
    } else if (submitter.hasAttribute("data-idle-text")) {
      submitter.textContent = submitter.getAttribute("data-idle-text");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(withToken);
  });

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!isPost(form)) {
        return;
      }
      withToken(form);
      var submitter = event.submitter;
      // After the browser has read the form: a disabled button would not send its own name (Save and
      // continue, the action's Go).
      window.setTimeout(function () {
        if (event.defaultPrevented) {
          return;
        }
        setBusy(form, submitter, true);
        window.setTimeout(function () {
          setBusy(form, submitter, false);
        }, BACK_AFTER_MS);
      }, 0);
    },
    true
  );

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form").forEach(function (form) {
        setBusy(form, null, false);
        buttons(form).forEach(function (button) {
          if (button.hasAttribute("data-idle-text")) {
            button.textContent = button.getAttribute("data-idle-text");
          }
        });
      });
    }
  });
})();
