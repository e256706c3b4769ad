/* The door's check-in page (templates/events/checkin.html). Without this script the page
 * works with GET filters and POST forms; with it: instant filtering, check-in and undo by
 * fetch with the row updated in place, counts polled from status.json, taps made offline
 * kept in localStorage until the connection returns, and QR codes read from the camera or
 * a photo (BarcodeDetector where the browser has it, else jsQR served by the platform). */
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) { return; }
  var postUrl = root.dataset.postUrl;
  var statusUrl = root.dataset.statusUrl;
  var queueKey = "checkin-queue:" + root.dataset.slug;
  var list = document.getElementById("checkin-list");
  var feedback = document.getElementById("checkin-feedback");
  var search = document.getElementById("checkin-q");
  var none = root.querySelector(".checkin-none");
  var letter = "";
  var tokenInput = root.querySelector("input[name=csrfmiddlewaretoken]");

  function rows() { return Array.prototype.slice.call(list.querySelectorAll(".checkin-row")); }
  function row(id) { return list.querySelector('.checkin-row[data-id="' + id + '"]'); }
  function say(text) { feedback.textContent = text || ""; }

  /* --- Filtering ------------------------------------------------------------------------ */
  function filter() {
    var q = (search.value || "").trim().toLowerCase();
    var shown = 0;
    rows().forEach(function (item) {
      var ok = (!letter || item.dataset.name.charAt(0) === letter.toLowerCase()) &&
        (!q || item.dataset.search.indexOf(q) !== -1);
      item.hidden = !ok;
      if (ok) { shown += 1; }
    });
    root.querySelectorAll('[data-count="shown"]').forEach(function (el) { el.textContent = shown; });
    if (none) { none.hidden = shown !== 0 || rows().length === 0; }
  }
  search.addEventListener("input", filter);
  search.form.addEventListener("submit", function (event) { event.preventDefault(); filter(); });
  root.querySelectorAll(".checkin-letters [data-letter]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      letter = link.dataset.letter;
      root.querySelectorAll(".checkin-letters [data-letter]").forEach(function (other) {
        var on = other === link;
        other.classList.toggle("btn-dark", on);
        other.classList.toggle("btn-outline-dark", !on);
        if (on) { other.setAttribute("aria-current", "true"); } else { other.removeAttribute("aria-current"); }
      });
      filter();
    });
  });

  /* --- Rows and counts ------------------------------------------------------------------ */
  function clock(iso) {
    var date = new Date(iso);
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }
  function show(item, checkedIn, time) {
    if (!item) { return; }
    item.classList.toggle("is-in", checkedIn);
    item.querySelector(".checkin-done").hidden = !checkedIn;
    item.querySelector(".checkin-in").hidden = checkedIn;
    item.querySelector(".checkin-undo").hidden = !checkedIn;
    if (time !== undefined) { item.querySelector("[data-time]").textContent = time; }
  }
  function counts(data) {
    ["arrived", "expected"].forEach(function (name) {
      if (data[name] === undefined) { return; }
      root.querySelectorAll('[data-count="' + name + '"]').forEach(function (el) { el.textContent = data[name]; });
    });
  }

  /* --- Sending, and the queue for taps made offline ------------------------------------- */
  function queue() {
    try { return JSON.parse(localStorage.getItem(queueKey) || "[]"); } catch (e) { return []; }
  }
  function store(items) { localStorage.setItem(queueKey, JSON.stringify(items)); }

  function post(entry) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", tokenInput.value);
    body.append("action", entry.action);
    if (entry.code) { body.append("code", entry.code); } else { body.append("registration", entry.registration); }
    return fetch(postUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": tokenInput.value}
    }).then(function (response) {
      if ((response.headers.get("Content-Type") || "").indexOf("json") === -1) {
        // Logged out meanwhile (a login page came back): say so instead of queueing.
        return {ok: false, message: root.dataset.reloadText};
      }
      return response.json();
    });
  }

  function answer(data) {
    if (data.id !== undefined) {
      var item = row(data.id);
      if (item) { item.classList.remove("is-queued"); show(item, data.checked_in, data.time); }
    }
    counts(data);
    say(data.message);
  }

  function send(entry) {
    var item = entry.registration ? row(entry.registration) : null;
    return post(entry).then(answer, function () {
      var items = queue();
      items.push(entry);
      store(items);
      if (item) { item.classList.add("is-queued"); show(item, entry.action === "in", entry.action === "in" ? "…" : ""); }
      say(root.dataset.queuedText);
    });
  }

  var flushing = false;
  function flush() {
    var items = queue();
    if (flushing || !items.length) { return Promise.resolve(); }
    flushing = true;
    var left = items.slice();
    function next() {
      if (!left.length) { return Promise.resolve(); }
      return post(left[0]).then(function (data) { left.shift(); store(left); answer(data); return next(); });
    }
    return next().catch(function () { store(left); }).then(function () { flushing = false; });
  }

  list.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-checkin-form]")) { return; }
    event.preventDefault();
    var action = event.submitter && event.submitter.value === "undo" ? "undo" : "in";
    send({registration: form.querySelector("input[name=registration]").value, action: action});
  });

  /* --- Staying current ------------------------------------------------------------------ */
  function poll() {
    flush().then(function () {
      return fetch(statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}});
    }).then(function (response) { return response.ok ? response.json() : null; }).then(function (data) {
      if (!data) { return; }
      counts(data);
      rows().forEach(function (item) {
        if (item.classList.contains("is-queued")) { return; }
        var at = data.arrived_ids[item.dataset.id];
        show(item, Boolean(at), at ? clock(at) : "");
      });
    }).catch(function () { /* offline: the next tick tries again */ });
  }
  window.addEventListener("online", flush);
  window.setInterval(poll, 4000);
  flush();

  /* --- QR codes ------------------------------------------------------------------------- */
  var scan = root.querySelector(".checkin-scan");
  var video = scan.querySelector("video");
  var startButton = scan.querySelector('[data-scan="start"]');
  var stopButton = scan.querySelector('[data-scan="stop"]');
  var photo = document.getElementById("scan-photo");
  var canvas = document.createElement("canvas");
  var detector = null;
  var stream = null;
  var last = {code: "", at: 0};
  scan.hidden = false;

  if ("BarcodeDetector" in window) {
    try { detector = new window.BarcodeDetector({formats: ["qr_code"]}); } catch (e) { detector = null; }
  }

  function decode(source, width, height) {
    if (detector) {
      return detector.detect(source).then(function (found) { return found.length ? found[0].rawValue : null; });
    }
    if (!window.jsQR || !width || !height) { return Promise.resolve(null); }
    canvas.width = width;
    canvas.height = height;
    var context = canvas.getContext("2d", {willReadFrequently: true});
    context.drawImage(source, 0, 0, width, height);
    var image = context.getImageData(0, 0, width, height);
    var found = window.jsQR(image.data, width, height);
    return Promise.resolve(found ? found.data : null);
  }

  function codeOf(text) {
    var match = /\/check-in\/([A-Za-z0-9_-]+)\/?$/.exec(text || "");
    return match ? match[1] : null;
  }

  function found(text) {
    var code = codeOf(text);
    if (!code) { return false; }
    var now = Date.now();
    if (code === last.code && now - last.at < 5000) { return true; }
    last = {code: code, at: now};
    send({code: code, action: "in"});
    return true;
  }

  function tick() {
    if (!stream) { return; }
    decode(video, video.videoWidth, video.videoHeight).then(function (text) {
      if (text) { found(text); }
    }).catch(function () { /* a frame that cannot be read yet */ }).then(function () {
      window.setTimeout(tick, 250);
    });
  }

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  }

  startButton.addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say(root.dataset.cameraError); return; }
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false}).then(function (media) {
      stream = media;
      video.srcObject = media;
      video.hidden = false;
      stopButton.hidden = false;
      startButton.hidden = true;
      return video.play();
    }).then(tick).catch(function () { stop(); say(root.dataset.cameraError); });
  });
  stopButton.addEventListener("click", stop);

  photo.addEventListener("change", function () {
    var file = photo.files && photo.files[0];
    if (!file) { return; }
    createImageBitmap(file).then(function (bitmap) {
      return decode(bitmap, bitmap.width, bitmap.height);
    }).then(function (text) {
      if (!found(text)) { say(root.dataset.scanError); }
    }).catch(function () { say(root.dataset.scanError); }).then(function () { photo.value = ""; });
  });
})();
