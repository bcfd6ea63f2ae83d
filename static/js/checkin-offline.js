// Check-in that keeps working when the venue network drops (records).
// The attendee list is kept on this device (localStorage); each scan or tap is queued with a
// random nonce and the time it was made, and sent to the server when the network is there.
// The server keeps every nonce, so a retry never counts twice. A service worker keeps the
// page and its scripts so it also reloads offline.
(function () {
  "use strict";
  const root = document.querySelector("[data-checkin]");
  if (!root) return;
  const d = root.dataset;
  const PREFIX = "LIAISON-CHECKIN:";
  const queueKey = "liaison-checkin-queue-" + d.eventId;
  const rosterKey = "liaison-checkin-roster-" + d.eventId;
  const result = document.getElementById("scan-result");
  const status = document.getElementById("sync-status");
  const timeFormat = new Intl.DateTimeFormat(d.lang, {hour: "2-digit", minute: "2-digit",
                                                      hour12: false, timeZone: d.eventZone});

  function say(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_m, key) => String(values[key] ?? ""));
  }
  function load(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (_e) { return fallback; }
  }
  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function nonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // The roster: what the page brought, merged with what this device knew already.
  const roster = load(rosterKey, {});
  document.querySelectorAll("[data-registration-id]").forEach((row) => {
    const id = row.dataset.registrationId;
    const known = roster[id] || {};
    roster[id] = {
      id: Number(id), token: row.dataset.token, name: row.dataset.name,
      checkedInAt: row.dataset.checkedInAt || known.checkedInAt || null,
    };
  });
  save(rosterKey, roster);
  let queue = load(queueKey, []);
  const byToken = () => Object.values(roster).reduce((map, p) => (map[p.token] = p, map), {});

  function paint(person) {
    const row = document.getElementById("r" + person.id);
    if (!row) return;
    const button = row.querySelector("button");
    const state = row.querySelector(".check-in-state");
    row.classList.toggle("is-checked-in", Boolean(person.checkedInAt));
    if (button) {
      button.classList.toggle("btn-success", Boolean(person.checkedInAt));
      button.classList.toggle("btn-outline-primary", !person.checkedInAt);
      button.disabled = false;
    }
    if (state && person.checkedInAt) state.textContent = "✓ " + timeFormat.format(new Date(person.checkedInAt));
  }
  function showCount() {
    const counter = document.querySelector("[data-checked-in]");
    if (!counter || counter.dataset.total === undefined) return;
    const people = Object.values(roster);
    const checked = people.filter((p) => p.checkedInAt).length;
    counter.dataset.checkedIn = String(checked);
    counter.textContent = say(d.msgCount, {checked: checked, confirmed: counter.dataset.total});
  }
  function showStatus() {
    showCount();
    status.dataset.waiting = String(queue.length);
    status.textContent = queue.length ? say(d.msgWaiting, {n: queue.length}) : d.msgSynced;
  }

  function record(person, scan) {
    if (person && person.checkedInAt) {
      result.textContent = say(d.msgAlready, {name: person.name,
                                              time: timeFormat.format(new Date(person.checkedInAt))});
      result.dataset.result = "already";
      return;
    }
    queue.push(scan);
    save(queueKey, queue);
    if (person) {
      person.checkedInAt = scan.scanned_at;
      save(rosterKey, roster);
      paint(person);
      result.textContent = say(d.msgChecked, {name: person.name});
      result.dataset.result = "checked_in";
    } else {
      result.textContent = d.msgUnknown;
      result.dataset.result = "unknown";
    }
    showStatus();
    sync();
  }

  let lastText = "", lastAt = 0;
  function handleCode(text) {
    const now = Date.now();
    if (text === lastText && now - lastAt < 2500) return;  // the same code still in front of the camera
    lastText = text; lastAt = now;
    if (!text.startsWith(PREFIX)) {
      result.textContent = d.msgNotOurs;
      result.dataset.result = "not_ours";
      return;
    }
    const token = text.slice(PREFIX.length).trim();
    record(byToken()[token], {nonce: nonce(), token: token, scanned_at: new Date().toISOString()});
  }

  let syncing = false;
  async function sync() {
    if (syncing || !queue.length) { showStatus(); return; }
    syncing = true;
    const batch = queue.slice(0, 100);
    try {
      const response = await fetch(d.syncUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": d.csrf},
        body: JSON.stringify({scans: batch}),
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const answer = await response.json();
      const done = new Set();
      answer.results.forEach((r) => {
        done.add(r.nonce);
        const person = r.registration_id && roster[r.registration_id];
        if (!person) return;
        if (r.result === "refused") {
          person.checkedInAt = null;
          result.textContent = say(d.msgRefused, {name: person.name, reason: r.message});
          result.dataset.result = "refused";
        } else if (r.checked_in_at) {
          person.checkedInAt = r.checked_in_at;
        }
        paint(person);
      });
      queue = load(queueKey, []).filter((scan) => !done.has(scan.nonce));
      save(queueKey, queue);
      save(rosterKey, roster);
    } catch (_error) {
      // offline or the server is away: everything stays queued on this device
    } finally {
      syncing = false;
      showStatus();
    }
    if (queue.length && navigator.onLine) setTimeout(sync, 3000);
  }
  window.liaisonCheckinSync = sync;  // lets a test force a retry
  window.addEventListener("online", sync);
  setInterval(sync, 15000);

  // Taps on the list go through the same queue; undo needs the network (a plain form post).
  document.querySelectorAll(".check-in-row form").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const row = form.closest("[data-registration-id]");
      const person = roster[row.dataset.registrationId];
      if (form.querySelector("input[name=undo]")) {
        if (!navigator.onLine) { event.preventDefault(); result.textContent = d.msgUndoOffline; }
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      record(person, {nonce: nonce(), registration_id: person.id,
                      scanned_at: new Date().toISOString()});
    }, true);
  });

  // Decoding: jsQR over a canvas, from the camera or from a picture.
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", {willReadFrequently: true});
  function decode(source, width, height, attempts) {
    canvas.width = width; canvas.height = height;
    context.drawImage(source, 0, 0, width, height);
    const image = context.getImageData(0, 0, width, height);
    const code = window.jsQR(image.data, width, height, {inversionAttempts: attempts});
    return code ? code.data : null;
  }

  document.getElementById("scan-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    const bitmap = await createImageBitmap(file);
    const text = decode(bitmap, bitmap.width, bitmap.height, "attemptBoth");
    if (text) { lastText = ""; handleCode(text); } else { result.textContent = d.msgNoQr; }
  });

  const video = document.getElementById("scan-video");
  const start = document.getElementById("scan-camera");
  const stop = document.getElementById("scan-stop");
  let stream = null;
  function tick() {
    if (!stream) return;
    if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
      const text = decode(video, video.videoWidth, video.videoHeight, "dontInvert");
      if (text) handleCode(text);
    }
    requestAnimationFrame(tick);
  }
  start.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"},
                                                          audio: false});
    } catch (error) {
      result.textContent = say(d.msgNoCamera, {error: error.name || error});
      return;
    }
    video.srcObject = stream;
    video.classList.remove("d-none"); stop.classList.remove("d-none"); start.classList.add("d-none");
    await video.play();
    requestAnimationFrame(tick);
  });
  stop.addEventListener("click", () => {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.classList.add("d-none"); stop.classList.add("d-none"); start.classList.remove("d-none");
  });

  // Offline reloads: a service worker answers this page and its files from the cache when the
  // network is gone; the page puts itself and its files there now, while it is online.
  if ("serviceWorker" in navigator && "caches" in window) {
    navigator.serviceWorker.register(d.swUrl, {scope: "/events/"}).catch(() => {});
    const files = [location.pathname];
    document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach((el) => {
      files.push(el.getAttribute("href") || el.getAttribute("src"));
    });
    caches.open("liaison-checkin-v1").then((cache) => cache.addAll(files)).catch(() => {});
  }

  Object.values(roster).forEach(paint);
  showStatus();
  sync();
})();
