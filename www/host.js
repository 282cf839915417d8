// How the page is hosted, decided before any of its modules run (a classic script, first in
// <head>). It sets `window.ganplayHost`, which www/engine/connect.js awaits before it starts
// the engine:
//   ready      resolves when the engine may start (never, when the page is about to reload
//              or cannot run at all);
//   isolation  why the page is or is not cross-origin isolated (the threaded build needs it):
//              'headers' (the server sends COOP/COEP, as `make serve` does), 'worker' (the
//              static site's service worker adds them), or why not: 'file', 'insecure',
//              'no-worker' (no service workers here: a private window), 'failed' (it could
//              not be registered), 'uncontrolled' (it did not take this load, and the one
//              automatic reload was used), 'ignored' (it took the load, the browser still
//              did not isolate the page), 'dev' (the repository served with no headers);
//   offline    resolves to what the service worker keeps for offline use
//              ({ files, bytes, missing }), or null where there is none.
// On the static site (dist/, made by scripts/dist.mjs, which puts the build's name in
// <meta name="ganplay-build">) the first visit registers /sw.js and reloads once, so that
// the next load comes through it with the headers; a sessionStorage mark allows at most one
// automatic reload per tab, so no browser can be sent round a reload loop. docs/hosting.md
// says what each path looks like.
(() => {
  const RELOAD_MARK = 'ganplay.isolationReload';
  /** How long a first visit waits for the service worker before it goes on without. */
  const ACTIVATE_MS = 5000;
  const never = new Promise(() => {});
  const host = { ready: Promise.resolve(), isolation: 'headers', offline: Promise.resolve(null) };
  window.ganplayHost = host;

  if (location.protocol === 'file:') {
    host.isolation = 'file';
    host.ready = never;
    document.addEventListener('DOMContentLoaded', showFileNotice);
    return;
  }
  const build = document.querySelector('meta[name="ganplay-build"]')?.content;
  if (window.crossOriginIsolated) {
    if (navigator.serviceWorker?.controller && build) {
      host.isolation = 'worker';
      forgetReload();
      host.offline = keepOffline(navigator.serviceWorker);
    }
    return;
  }
  if (!build) {
    host.isolation = 'dev';
    return;
  }
  if (!window.isSecureContext) {
    host.isolation = 'insecure';
    return;
  }
  const sw = navigator.serviceWorker;
  if (!sw) {
    host.isolation = 'no-worker';
    return;
  }
  if (sw.controller) {
    // Through the service worker, and still not isolated: this browser does not take the
    // headers from it. Offline use works all the same.
    host.isolation = 'ignored';
    host.offline = keepOffline(sw);
    return;
  }
  host.ready = (async () => {
    try {
      await Promise.race([
        sw.register('sw.js', { scope: './' }).then(() => sw.ready),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), ACTIVATE_MS)),
      ]);
    } catch (err) {
      console.warn('ganplay: the service worker could not start', err);
      host.isolation = 'failed';
      return;
    }
    if (!reloadedBefore()) {
      markReload();
      location.reload();
      return never;
    }
    host.isolation = 'uncontrolled';
    host.offline = keepOffline(sw);
  })();

  function reloadedBefore() {
    try {
      return sessionStorage.getItem(RELOAD_MARK) != null;
    } catch {
      return true; // no storage, no way to count reloads: none
    }
  }
  function markReload() {
    try {
      sessionStorage.setItem(RELOAD_MARK, String(Date.now()));
    } catch {}
  }
  function forgetReload() {
    try {
      sessionStorage.removeItem(RELOAD_MARK);
    } catch {}
  }

  /**
   * Asks the service worker to keep every file of this build (it answers when it has them);
   * asks again when a new one takes over (a redeploy: until then the old one answers for
   * its own build, which is not this page's).
   */
  function keepOffline(sw) {
    return new Promise((resolve) => {
      sw.addEventListener('message', (e) => {
        if (e.data?.type === 'kept' && e.data.build === build) resolve({ files: e.data.files, bytes: e.data.bytes, missing: e.data.missing });
      });
      const ask = () => sw.controller?.postMessage({ type: 'keep' });
      sw.addEventListener('controllerchange', ask);
      sw.ready.then(ask, () => resolve(null));
    });
  }

  /**
   * Opened as a file, the browser will not load the page's modules or its wasm: one
   * sentence, in both languages (the catalogues are modules too), says how to open it.
   */
  function showFileNotice() {
    let folder = decodeURIComponent(location.pathname.replace(/\/[^/]*$/, '')) || '.';
    if (/^\/[A-Za-z]:/.test(folder)) folder = folder.slice(1); // file:///C:/…
    const command = `python3 -m http.server --directory "${folder}" 8000`;
    const box = document.createElement('div');
    box.id = 'file-notice';
    box.setAttribute('role', 'alert');
    box.style.cssText = 'max-width:44rem;margin:3rem auto;padding:1.5rem;font:16px/1.5 system-ui,sans-serif;border:2px solid #c05;border-radius:8px';
    const line = (lang, before, after) => {
      const p = document.createElement('p');
      p.lang = lang;
      const code = document.createElement('code');
      code.textContent = command;
      code.style.cssText = 'display:block;margin:.5rem 0;padding:.5rem;background:#f3f3f3;user-select:all;word-break:break-all';
      p.append(before, code, after);
      return p;
    };
    box.append(
      line('en', 'ganplay cannot run from a file: browsers do not load its modules and WebAssembly from file://. Serve the folder with any static server, for example', 'and open http://localhost:8000/.'),
      line('zh-CN', 'ganplay 不能直接以文件方式打开：浏览器不会从 file:// 加载它的模块和 WebAssembly。请用任意静态服务器提供这个文件夹，例如', '然后打开 http://localhost:8000/。'),
    );
    document.body.replaceChildren(box);
  }
})();
