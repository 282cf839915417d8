// The static site's service worker (scripts/dist.mjs copies it to dist/sw.js and fills in
// BUILD and FILES, each file's path under the site mapped to its size in bytes). It does two things a static host cannot:
//   isolation  every response it serves carries COOP/COEP (and CORP), so the page becomes
//              cross-origin isolated from its second load on, and the threaded build trains
//              on every core (www/host.js registers it and reloads once);
//   offline    it keeps every file of this build in a cache named after the build, so a
//              reload with no network opens the page, trains and loads the pretrained
//              model. The page is asked for from the network first (a redeploy is seen at
//              once, a dead network falls back to the copy after NETWORK_MS); the build's
//              files live under v/<build>/ and never change, so they come from the cache.
// A new deploy is a new sw.js (another BUILD): it takes over at once and drops every older
// build's cache but the one before it (a tab still open on that build may ask for its files).
// COEP is require-corp everywhere, never `credentialless`, which Safari does not know: the
// site loads nothing from other origins.
const BUILD = null;
const FILES = {};
const CACHE = `ganplay-${BUILD}`;
const NETWORK_MS = 4000;
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
/** The page itself, whatever its query: the scope's own address. */
const PAGE = new URL('./', self.registration.scope).href;

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const ours = (await caches.keys()).filter((name) => name.startsWith('ganplay-') && name !== CACHE);
    // caches.keys() lists in the order the caches were made: keep the newest of the others.
    await Promise.all(ours.slice(0, -1).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type !== 'keep') return;
  event.waitUntil(keepAll().then((kept) => event.source?.postMessage({ type: 'kept', build: BUILD, ...kept })));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== location.origin) return;
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(request.mode === 'navigate' ? page(request) : file(request));
});

/** `response` with the isolation headers (an opaque or error response as it is). */
function isolated(response) {
  if (response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

const isPage = (url) => {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  return u.href === PAGE || u.href === `${PAGE}index.html`;
};

/** The page: from the network (kept for offline), or after NETWORK_MS or an error the kept copy. */
async function page(request) {
  const cache = await caches.open(CACHE);
  const fromNetwork = fetch(request, { cache: 'no-cache' }).then(async (response) => {
    if (response.ok && isPage(request.url)) await cache.put(PAGE, response.clone());
    return response;
  });
  const kept = isPage(request.url) ? await caches.match(PAGE) : await caches.match(request, { ignoreSearch: true });
  if (!kept) return isolated(await fromNetwork);
  const late = new Promise((resolve) => setTimeout(() => resolve(kept), NETWORK_MS));
  return isolated(await Promise.race([fromNetwork.catch(() => kept), late]));
}

/** Any other file: the kept copy, else the network (and keep it when it is this build's). */
async function file(request) {
  const kept = await caches.match(request);
  if (kept) return isolated(kept);
  const response = await fetch(request);
  if (response.status === 200 && Object.hasOwn(FILES, new URL(request.url).href.slice(PAGE.length))) {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return isolated(response);
}

/** Fetches and keeps every file of the build not kept yet: `{ files, bytes, missing }`. */
async function keepAll() {
  const cache = await caches.open(CACHE);
  const names = Object.keys(FILES);
  const missing = [];
  await Promise.all(names.map(async (name) => {
    const url = new URL(name, PAGE).href;
    if (await cache.match(url)) return;
    try {
      const fresh = await fetch(url, { cache: name === '' ? 'no-cache' : 'default' });
      if (!fresh.ok) throw new Error(`HTTP ${fresh.status}`);
      await cache.put(url, fresh);
    } catch {
      missing.push(name);
    }
  }));
  // The sizes come from dist.mjs: reading every kept body (the whole build: docs/hosting.md has its size) on every load just to count them would cost more than it tells.
  const bytes = names.filter((name) => !missing.includes(name)).reduce((sum, name) => sum + FILES[name], 0);
  return { files: names.length - missing.length, bytes, missing };
}
