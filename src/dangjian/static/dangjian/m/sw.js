// The member app's service worker (served by memberapp:sw at /m/sw.js, scope /m/).
//   /m/ pages: network first; when the network fails, the copy kept last time, marked so the
//              page can say it is offline (X-From-Cache: 1 and data-from-cache="1" on <main>).
//   /static/:  cache first (only the files the /m/ pages use reach this worker).
//   anything else (other pages, the API, exports, POSTs): not touched, never kept.
// A /m/ page answered with a redirect (to the login page: logged out, session expired) deletes
// every cache: the next person to pick up the phone sees nothing of this member.
"use strict";

const SETTINGS = /*SETTINGS*/ {};
const CACHE = "dangjian-m-" + SETTINGS.version;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((c) => c.addAll(SETTINGS.precache)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isAppPage(url) {
  return url.pathname.startsWith(SETTINGS.scope) && !SETTINGS.never.some((p) => url.pathname.startsWith(p));
}

function dropAll() {
  return caches.keys().then((keys) => Promise.all(keys.map((k) => caches.delete(k))));
}

async function fromCache(request) {
  const cache = await caches.open(CACHE);
  // ignoreVary: the copy was kept under its bare address (Vary: Cookie, Accept-Language would
  // never match it); this cache holds one member's pages and is emptied at logout.
  const kept = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
  if (!kept) return null;
  const headers = new Headers(kept.headers);
  headers.set("X-From-Cache", "1");
  let body = await kept.text();
  body = body.replace('data-from-cache="0"', 'data-from-cache="1"');
  return new Response(body, { status: kept.status, statusText: kept.statusText, headers });
}

async function networkFirst(request) {
  let response;
  try {
    response = await fetch(request);
  } catch (err) {
    const kept = await fromCache(request);
    if (kept) return kept;
    throw err;
  }
  const loggedOut =
    response.type === "opaqueredirect" ||
    (response.redirected && new URL(response.url).pathname.startsWith(SETTINGS.login));
  if (loggedOut) {
    await dropAll();
  } else if (response.ok && response.type === "basic" && !response.redirected) {
    const copy = response.clone();
    const cache = await caches.open(CACHE);
    await cache.put(request.url.split("?")[0], copy);
  }
  return response;
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(SETTINGS.static)) {
    event.respondWith(cacheFirst(request));
  } else if (isAppPage(url)) {
    event.respondWith(networkFirst(request));
  }
});
