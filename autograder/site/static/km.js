/* A simulation of the Kissmetrics JavaScript library, for Identify Lab.
 *
 * Follows the course "Step 7 - Identifying Customers" first and the documented
 * behaviour of the real library where the course is silent: the _kmq queue,
 * the anonymous ID in km_ai, identify/alias/clearIdentity, first-party cookies
 * with the real names and lifetimes, 1x1 image beacons, and km_uq re-sends.
 * The server replaces __TRACKER__ with the tracker's base URL.
 */
(function (window, document) {
  'use strict';

  var TRACKER = '__TRACKER__';
  var FIVE_YEARS_MS = 5 * 365 * 24 * 3600 * 1000;
  var SESSION_MS = 30 * 60 * 1000;
  var QUEUE_MAX_CHARS = 2048;
  var QUEUE_MAX_AGE_S = 300;
  var PRIVATE_FIELD = /pass|billing|creditcard|credit_card|cardnumber|cvv|csc/i;
  var EMAIL_FIELD = /e-?mail|login|user(name)?$/i;

  // ---- SHA-1 and base64: the anonymous ID is base64(SHA-1(random data)).
  // (crypto.subtle needs a secure context, which plain-http shops are not.)
  function utf8Bytes(text) {
    var bin = unescape(encodeURIComponent(text));
    var out = [];
    for (var i = 0; i < bin.length; i++) out.push(bin.charCodeAt(i));
    return out;
  }

  function sha1(bytes) {
    var h0 = 0x67452301, h1 = 0xEFCDAB89, h2 = 0x98BADCFE, h3 = 0x10325476, h4 = 0xC3D2E1F0;
    var msg = bytes.slice(), bitLen = bytes.length * 8;
    msg.push(0x80);
    while (msg.length % 64 !== 56) msg.push(0);
    for (var s = 56; s >= 0; s -= 8) msg.push(s >= 32 ? 0 : (bitLen >>> s) & 0xff);
    var w = new Array(80);
    for (var off = 0; off < msg.length; off += 64) {
      for (var t = 0; t < 16; t++) {
        w[t] = (msg[off + 4 * t] << 24) | (msg[off + 4 * t + 1] << 16) | (msg[off + 4 * t + 2] << 8) | msg[off + 4 * t + 3];
      }
      for (t = 16; t < 80; t++) {
        var x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
        w[t] = (x << 1) | (x >>> 31);
      }
      var a = h0, b = h1, c = h2, d = h3, e = h4;
      for (t = 0; t < 80; t++) {
        var f, k;
        if (t < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
        else if (t < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
        else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
        else { f = b ^ c ^ d; k = 0xCA62C1D6; }
        var tmp = (((a << 5) | (a >>> 27)) + f + e + k + w[t]) | 0;
        e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0; h4 = (h4 + e) | 0;
    }
    var out = [];
    [h0, h1, h2, h3, h4].forEach(function (h) { out.push((h >>> 24) & 0xff, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff); });
    return out;
  }

  function base64(bytes) {
    var bin = '';
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return window.btoa(bin);
  }

  function newAnonymousId() {
    var seed = [Math.random(), Math.random(), Date.now(), navigator.userAgent,
      screen.width + 'x' + screen.height, location.href].join('|');
    return base64(sha1(utf8Bytes(seed)));
  }

  // ---- First-party cookies, written the way the real library writes them.
  function cookieDomain() {
    if (typeof window.KM_COOKIE_DOMAIN === 'string' && window.KM_COOKIE_DOMAIN) return window.KM_COOKIE_DOMAIN;
    var host = location.hostname;
    // Cookies with a domain do not stick on localhost or an IP address.
    if (host === 'localhost' || host.indexOf('.') < 0 || /^[\d.]+$/.test(host) || host.indexOf(':') >= 0) return null;
    return '.' + host.replace(/^www\./, '');
  }

  function setCookie(name, value, lifetimeMs) {
    var parts = [name + '=' + encodeURIComponent(value), 'path=/'];
    if (lifetimeMs !== undefined) parts.push('expires=' + new Date(Date.now() + lifetimeMs).toUTCString());
    var domain = cookieDomain();
    if (domain) parts.push('domain=' + domain);
    document.cookie = parts.join('; ');
  }

  function getCookie(name) {
    var pairs = document.cookie ? document.cookie.split(';') : [];
    for (var i = 0; i < pairs.length; i++) {
      var pair = pairs[i].replace(/^\s+/, '');
      var eq = pair.indexOf('=');
      if (eq > 0 && pair.slice(0, eq) === name) {
        try { return decodeURIComponent(pair.slice(eq + 1)); } catch (err) { return pair.slice(eq + 1); }
      }
    }
    return null;
  }

  function deleteCookie(name) { setCookie(name, '', -24 * 3600 * 1000); }

  // ---- The queue of unsent requests (km_uq): "<ts> <path?query>" joined by "|".
  function readQueue() {
    var raw = getCookie('km_uq');
    return raw ? raw.split('|').filter(Boolean) : [];
  }

  function writeQueue(entries) {
    while (entries.length && encodeURIComponent(entries.join('|')).length > QUEUE_MAX_CHARS) entries.shift();
    if (entries.length) setCookie('km_uq', entries.join('|'), FIVE_YEARS_MS);
    else if (getCookie('km_uq') !== null) deleteCookie('km_uq');
  }

  function fire(entry, callback) {
    var path = entry.slice(entry.indexOf(' ') + 1);
    var img = new Image(1, 1);
    var done = function () {
      writeQueue(readQueue().filter(function (e) { return e !== entry; }));
      if (typeof callback === 'function') callback();
    };
    img.onload = done;
    img.onerror = done;
    img.src = TRACKER + path;
  }

  function encodeParams(params) {
    var out = [];
    for (var key in params) {
      if (!Object.prototype.hasOwnProperty.call(params, key)) continue;
      var value = params[key];
      if (value === undefined || value === null || typeof value === 'function') continue;
      if (Array.isArray(value)) value = value.join(',');
      out.push(encodeURIComponent(key) + '=' + encodeURIComponent(String(value)));
    }
    return out.join('&');
  }

  function send(kind, params, callback) {
    var full = {_k: window._kmk};
    for (var key in params) if (Object.prototype.hasOwnProperty.call(params, key)) full[key] = params[key];
    if (full._p === undefined) full._p = KM.i();
    full._t = KM.ts();
    full._d = 1;
    var entry = KM.ts() + ' /' + kind + '?' + encodeParams(full);
    var queue = readQueue();
    queue.push(entry);
    writeQueue(queue);
    fire(entry, callback);
  }

  function resendQueue() {
    var now = KM.ts();
    var fresh = readQueue().filter(function (entry) { return now - parseInt(entry, 10) <= QUEUE_MAX_AGE_S; });
    writeQueue(fresh.slice());
    fresh.forEach(function (entry) { fire(entry); });
  }

  // ---- The public API.
  function isEmptyName(name) {
    return name === undefined || name === null || name === '' || name === 'null';
  }

  var KM = {
    ts: function () { return Math.floor(Date.now() / 1000); },

    i: function () {
      var named = getCookie('km_ni');
      if (named) return named;
      var id = getCookie('km_ai');
      if (!id) {
        id = typeof window.KMCID === 'string' && window.KMCID ? window.KMCID : newAnonymousId();
        setCookie('km_ai', id, FIVE_YEARS_MS);
      }
      return id;
    },

    identify: function (name) {
      if (isEmptyName(name)) return KM.clearIdentity();
      name = String(name);
      var named = getCookie('km_ni');
      if (named === name) return;
      if (!named) KM.alias(KM.i(), name);  // only an anonymous visitor is linked
      setCookie('km_ni', name, FIVE_YEARS_MS);
      setCookie('km_ai', name, FIVE_YEARS_MS);
    },

    clearIdentity: function () {
      if (!getCookie('km_ni')) return;  // nothing to forget while anonymous
      deleteCookie('km_ni');
      deleteCookie('km_ai');
    },

    alias: function (a, b) {
      if (isEmptyName(a) || isEmptyName(b) || String(a) === String(b)) return;
      send('a', {_p: String(a), _n: String(b)});
    },

    record: function (name, props, callback) {
      if (name !== null && typeof name === 'object') return KM.set(name, props);
      if (typeof props === 'function') { callback = props; props = {}; }
      var params = {_n: name};
      for (var key in (props || {})) if (Object.prototype.hasOwnProperty.call(props, key)) params[key] = props[key];
      send('e', params, callback);
    },

    set: function (props, callback) {
      if (!props || typeof props !== 'object') return;
      send('s', props, callback);
    },

    trackClick: function (selector, name, props) {
      document.addEventListener('click', function (event) {
        if (matches(event.target, selector)) KM.record(name, props);
      }, true);
    },

    trackSubmit: function (selector, name, props) {
      document.addEventListener('submit', function (event) {
        var form = event.target;
        if (!matches(form, selector)) return;
        var fields = formFields(form);
        if (!getCookie('km_ni')) {
          for (var field in fields) {
            if (EMAIL_FIELD.test(field) && fields[field]) { KM.identify(fields[field]); break; }
          }
        }
        for (var key in (props || {})) if (Object.prototype.hasOwnProperty.call(props, key)) fields[key] = props[key];
        KM.record(name, fields);
      }, true);
    }
  };

  function matches(element, selector) {
    if (!element || element.nodeType !== 1 || typeof selector !== 'string') return false;
    var byId = /^[A-Za-z][\w-]*$/.test(selector) && document.getElementById(selector);
    if (byId) return byId === element || byId.contains(element);
    try { return element.closest(selector) !== null; } catch (err) { return false; }
  }

  function formFields(form) {
    var fields = {};
    var elements = form.elements || [];
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      var name = el.name || el.id;
      if (!name || el.type === 'password' || el.type === 'submit' || PRIVATE_FIELD.test(name)) continue;
      if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) continue;
      fields[name] = el.value;
    }
    return fields;
  }

  // ---- Start-up: what the library does once it has loaded on a page.
  function runCommand(item) {
    try {
      if (typeof item === 'function') return item();
      if (!item || typeof item.length !== 'number' || !item.length) return;
      var command = KM[item[0]];
      if (typeof command === 'function') command.apply(KM, Array.prototype.slice.call(item, 1));
    } catch (err) {
      // A failing command must not stop the queue; surface it as an uncaught error.
      setTimeout(function () { throw err; }, 0);
    }
  }

  function startVisit() {
    var inSession = getCookie('km_vs');
    var lastVisit = getCookie('km_lv');
    KM.i();
    if (!inSession) {
      KM.record('Visited Site');
      if (lastVisit) KM.set({returning: 1});
    }
    setCookie('km_vs', '1', SESSION_MS);
    setCookie('km_lv', lastVisit && !inSession ? 'x' : (lastVisit || String(KM.ts())), FIVE_YEARS_MS);
  }

  window.KM = KM;
  var pending = window._kmq;
  pending = pending && typeof pending.length === 'number' ? Array.prototype.slice.call(pending) : [];
  window._kmq = {push: function () { for (var i = 0; i < arguments.length; i++) runCommand(arguments[i]); }};
  resendQueue();
  startVisit();
  pending.forEach(runCommand);
})(window, document);
