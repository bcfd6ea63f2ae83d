// Progressive enhancements only; every page works without this file.
document.querySelectorAll("[data-confirm]").forEach((el) => {
  el.addEventListener("click", (event) => {
    if (!window.confirm(el.dataset.confirm)) event.preventDefault();
  });
});

// A visitor's time zone: the browser knows it, the server does not. Keep it in the `tz` cookie
// (blueprints/core/i18n.py reads it) and, when this page showed times in another zone, load it
// once more. Signed-in people use their account's zone: the marker is only on visitors' pages.
(function () {
  const marker = document.getElementById("viewer-zone");
  if (!marker) return;
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(zone)) return;
  const sent = (document.cookie.match(/(?:^|;\s*)tz=([^;]*)/) || [])[1];
  if (sent === zone) return; // already said: never reload twice for one zone
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = "tz=" + zone + "; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
  const stored = (document.cookie.match(/(?:^|;\s*)tz=([^;]*)/) || [])[1] === zone;
  if (stored && marker.dataset.shown && marker.dataset.zone !== zone) location.reload();
})();

// Copy buttons: <button data-copy="#input-id" data-copied="Copied">.
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const input = document.querySelector(button.dataset.copy);
    const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
    if (!input) return;
    input.select();
    let copied = false;
    try {
      await navigator.clipboard.writeText(input.value);
      copied = true;
    } catch (e) {
      copied = document.execCommand && document.execCommand("copy");
    }
    if (status) status.textContent = copied ? button.dataset.copied : "";
  });
});

// Length limits: a counter next to the label ("154 / 200"), red when over. The server says
// the same in words; the browser's maxlength is not used, as it cuts pasted text silently.
document.querySelectorAll("[data-count-for]").forEach((counter) => {
  const input = document.getElementById(counter.dataset.countFor);
  if (!input) return;
  const limit = Number(input.dataset.maxlength);
  const show = () => {
    const length = input.value.length;
    counter.textContent = length ? `${length} / ${limit}` : "";
    counter.classList.toggle("is-over", length > limit);
  };
  input.addEventListener("input", show);
  show();
});

// Menus made of <details>: one open at a time, closed by Escape or a click elsewhere.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.action-menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.action-menu[open]").forEach((menu) => {
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  });
});
