"""The judging browser looks like a desktop Chrome to the pages it visits.

A snippet must be judged on what it does for real visitors, so page scripts must
not be able to tell the grader's headless Chromium from a person's browser by the
usual tells: ``navigator.webdriver`` (off with a launch flag, ``browser.py``), a
``HeadlessChrome`` user agent, no plugins, no ``window.chrome``, a window as large
as its screen, notifications denied, and the JavaScript source of Playwright's
fake timers where native code should be.

Accepted tells, documented in docs/simulation.md: the simulated hosts (``*.acme.test``:
the shop only ever runs inside the lab), and the globals through which
Playwright drives its clock and its bindings (made non-enumerable here, but
still there for a script that asks for them by name). The
helpers the visitor itself installs live under names drawn anew in every process.
"""

from __future__ import annotations

import re
import secrets

# Drawn once per process: the visitor's own helpers in the page are not at a known name.
HELPERS = "_" + secrets.token_hex(5)


def desktop_user_agent(browser_version: str) -> str:
    """Chrome's own reduced user agent for this version, without "Headless"."""
    major = re.match(r"\d+", browser_version or "")
    return ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{major.group(0) if major else '130'}.0.0.0 Safari/537.36")


DESKTOP_SCREEN = {"width": 1920, "height": 1080}

# Runs after Playwright's clock is installed (its fakes exist by then), before any page script.
DESKTOP_JS = r"""
(() => {
  const native = new WeakSet();
  const toString = Function.prototype.toString;
  const looksNative = function () {
    return native.has(this) ? `function ${this.name || ''}() { [native code] }` : toString.call(this);
  };
  native.add(looksNative);
  Object.defineProperty(Function.prototype, 'toString', {value: looksNative, writable: true, configurable: true});
  const disguise = (fn) => { if (typeof fn === 'function') native.add(fn); return fn; };
  for (const name of ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'requestAnimationFrame',
                      'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'queueMicrotask', 'Date']) {
    disguise(window[name]);
  }
  if (window.Date) { disguise(Date.now); disguise(Date.parse); disguise(Date.UTC); }
  disguise(Performance.prototype.now); disguise(performance.now);
  const hide = (object, key) => {
    const d = Object.getOwnPropertyDescriptor(object, key);
    if (d && d.configurable) Object.defineProperty(object, key, {...d, enumerable: false});
  };
  for (const key of Object.keys(window)) if (/^__(pw|playwright)/.test(key)) hide(window, key);
  const getter = (object, key, get) => {
    Object.defineProperty(object, key, {get: disguise(Object.defineProperty(get, 'name', {value: 'get ' + key})),
                                        configurable: true, enumerable: true});
  };
  // A desktop window has a frame and toolbars around its page, on a larger screen.
  getter(window, 'outerWidth', () => window.innerWidth);
  getter(window, 'outerHeight', () => window.innerHeight + 85);
  getter(Screen.prototype, 'availHeight', () => screen.height - 40);
  // Notifications are asked for, not denied, in a person's browser.
  if (window.Notification) getter(Notification, 'permission', () => 'default');
  // window.chrome, as Chrome defines it on web pages.
  if (!window.chrome) {
    const chrome = {app: {isInstalled: false, getDetails: disguise(function getDetails() { return null; }),
                          getIsInstalled: disguise(function getIsInstalled() { return false; })},
                    csi: disguise(function csi() { return {startE: Date.now(), onloadT: Date.now(), pageT: 1, tran: 15}; }),
                    loadTimes: disguise(function loadTimes() { return {commitLoadTime: Date.now() / 1000,
                      connectionInfo: 'http/1.1', finishDocumentLoadTime: 0, finishLoadTime: 0, firstPaintTime: 0,
                      navigationType: 'Other', npnNegotiatedProtocol: 'unknown', requestTime: Date.now() / 1000,
                      startLoadTime: Date.now() / 1000, wasAlternateProtocolAvailable: false,
                      wasFetchedViaSpdy: false, wasNpnNegotiated: false}; })};
    Object.defineProperty(window, 'chrome', {value: chrome, writable: true, configurable: true, enumerable: true});
  }
  // The PDF viewer's plugins and MIME types, as every desktop Chrome lists them.
  if (navigator.plugins.length === 0) {
    const names = ['PDF Viewer', 'Chrome PDF Viewer', 'Chromium PDF Viewer', 'Microsoft Edge PDF Viewer',
                   'WebKit built-in PDF'];
    const mimes = Object.create(MimeTypeArray.prototype), plugins = Object.create(PluginArray.prototype);
    const mimeList = ['application/pdf', 'text/pdf'].map((type) => {
      const mime = Object.create(MimeType.prototype);
      Object.defineProperties(mime, {type: {get: () => type}, suffixes: {get: () => 'pdf'},
                                     description: {get: () => 'Portable Document Format'}});
      return mime;
    });
    const pluginList = names.map((name) => {
      const plugin = Object.create(Plugin.prototype);
      Object.defineProperties(plugin, {name: {get: () => name}, filename: {get: () => 'internal-pdf-viewer'},
                                       description: {get: () => 'Portable Document Format'},
                                       length: {get: () => mimeList.length}});
      mimeList.forEach((mime, i) => Object.defineProperty(plugin, i, {get: () => mime}));
      return plugin;
    });
    const fill = (array, list, key) => {
      list.forEach((item, i) => Object.defineProperty(array, i, {get: () => item, enumerable: true}));
      Object.defineProperties(array, {
        length: {get: () => list.length},
        item: {value: disguise(function item(i) { return list[i] || null; })},
        namedItem: {value: disguise(function namedItem(n) { return list.find((x) => x[key] === n) || null; })},
      });
    };
    fill(plugins, pluginList, 'name');
    fill(mimes, mimeList, 'type');
    getter(Navigator.prototype, 'plugins', () => plugins);
    getter(Navigator.prototype, 'mimeTypes', () => mimes);
    getter(Navigator.prototype, 'pdfViewerEnabled', () => true);
  }
})();
"""
