/* Live regions (core/live.py): each element with data-live-url is fetched again every data-live-every
 * seconds and replaced when its HTML changed. The request names the ETag of what is shown, so an unchanged
 * region costs a bodiless 304 and the page is not touched. Polling pauses while the tab is hidden (and
 * asks at once when it is shown again), backs off on errors, and stops for good when the answer says
 * "X-Live: final", when the region is gone (404), refused (403), or the session has ended (a redirect).
 * A region marked data-live-now asks at once: its page was sent before the region's content was worked out.
 * Loaded once per region; each region is started once. */
(function () {
  "use strict";

  var MAX_DELAY = 60000;

  function sameMedia(oldRoot, fresh) {
    // A recording that is playing (or was started) keeps playing: the new HTML gets the old element.
    fresh.querySelectorAll("audio[src], video[src]").forEach(function (media) {
      var src = media.getAttribute("src");
      var current = Array.prototype.find.call(oldRoot.querySelectorAll("audio[src], video[src]"), function (old) {
        return old.getAttribute("src") === src;
      });
      if (current && (current.currentTime > 0 || !current.paused)) {
        media.replaceWith(current);
      }
    });
  }

  function syncFields(region) {
    // The page's own read-only fields named by the region (data-live-fields): same label, new text.
    var values = {};
    region.querySelectorAll("[data-live-fields] [data-label]").forEach(function (item) {
      values[item.getAttribute("data-label")] = item.textContent;
    });
    if (!Object.keys(values).length) {
      return;
    }
    document.querySelectorAll(".field-line").forEach(function (line) {
      var label = line.querySelector("label");
      var shown = line.querySelector(".readonly");
      if (!label || !shown || region.contains(line)) {
        return;
      }
      var name = label.textContent.trim().replace(/:$/, "");
      if (Object.prototype.hasOwnProperty.call(values, name) && shown.textContent !== values[name]) {
        shown.textContent = values[name];
      }
    });
  }

  function swap(region, html) {
    var fresh = document.createElement("template");
    fresh.innerHTML = html;
    sameMedia(region, fresh.content);
    region.replaceChildren(fresh.content);
    syncFields(region);
    region.dispatchEvent(new CustomEvent("live:updated", { bubbles: true }));
  }

  function start(region) {
    if (region.dataset.liveStarted) {
      return;
    }
    region.dataset.liveStarted = "1";
    if (region.dataset.liveFinal) {
      return;
    }
    var url = region.dataset.liveUrl;
    var every = Math.max(1, Number(region.dataset.liveEvery) || 3) * 1000;
    var etag = region.dataset.liveEtag || "";
    var delay = region.dataset.liveNow ? 0 : every;
    var timer = null;
    var busy = false;
    var stopped = false;

    function schedule() {
      if (!stopped && !busy && !timer && !document.hidden) {
        timer = window.setTimeout(poll, delay);
      }
    }

    function stop() {
      stopped = true;
      region.dataset.liveFinal = "1";
    }

    function poll() {
      timer = null;
      if (stopped || document.hidden) {
        return;
      }
      busy = true;
      var headers = { "X-Requested-With": "XMLHttpRequest" };
      if (etag) {
        headers["If-None-Match"] = etag;
      }
      fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin", redirect: "manual" })
        .then(function (response) {
          var state = response.headers.get("X-Live");
          if (response.status === 304 && state) {
            delay = every;
          } else if (response.status === 200 && state) {
            etag = response.headers.get("ETag") || "";
            delay = every;
            return response.text().then(function (html) {
              swap(region, html);
              return state;
            });
          } else if (response.type === "opaqueredirect" || response.status === 403 || response.status === 404) {
            stop(); // signed out, no longer allowed, or gone: a reload says which
          } else {
            delay = Math.min(delay * 2, MAX_DELAY); // the server is unwell: ask less often
          }
          return state;
        })
        .then(function (state) {
          if (state === "final") {
            stop();
          }
        })
        .catch(function () {
          delay = Math.min(delay * 2, MAX_DELAY); // offline for a moment
        })
        .finally(function () {
          busy = false;
          schedule();
        });
    }

    document.addEventListener("visibilitychange", function () {
      if (document.hidden) {
        window.clearTimeout(timer);
        timer = null;
      } else if (!stopped && !busy) {
        window.clearTimeout(timer);
        timer = null;
        poll(); // back to the tab: bring it up to date at once
      }
    });
    schedule();
  }

  function startAll() {
    document.querySelectorAll("[data-live-url]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
