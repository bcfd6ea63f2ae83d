// The check-in page's service worker (records): served from /check-in-sw.js and registered for
// /events/, it answers the check-in pages and the files they load from the network when it
// can (keeping a copy) and from that copy when the network is gone. Everything else, and
// every write (the scans' POST), goes to the network untouched.
const CACHE = "liaison-checkin-v1";
const CHECKIN_PAGE = /^\/events\/\d+\/check-in$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const page = CHECKIN_PAGE.test(url.pathname);
  const file = url.pathname.startsWith("/static/") || url.pathname.startsWith("/bootstrap/");
  if (!page && !file) return;
  const key = page ? url.pathname : request;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(key, copy));
        }
        return response;
      })
      .catch(() => caches.match(key, {ignoreSearch: page}).then((hit) => hit || Response.error()))
  );
});
