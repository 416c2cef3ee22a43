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
  // The real library identifies from a form field whose *name*, with '_' and '-' removed,
  // matches this (support site, "JavaScript Library Specifics": userid, login, username, email,
  // "_" allowed): user_id, user_login, e_mail and User-Name count, a bare "user" does not.
  var IDENTITY_FIELD = /userid|login|username|email/i;
  // Spellings of "no one" that a server template prints for a missing value (Ruby's nil,
  // quoted nulls): the real library treats them, and every falsy value, as an empty
  // name, so identify() with one of them clears the identity instead of naming "nil".
  var EMPTY_NAME_STRINGS = ['null', 'nil', "'null'", "'nil'", '"null"', '"nil"', "''", '""'];

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

  // Not a setting of the real library: the simulated shop sets it when it is mounted under
  // a path (behind a Jupyter server's proxy), so its cookies stay under that path.
  function cookiePath() {
    return typeof window.KM_COOKIE_PATH === 'string' && window.KM_COOKIE_PATH ? window.KM_COOKIE_PATH : '/';
  }

  function setCookie(name, value, lifetimeMs) {
    var parts = [name + '=' + encodeURIComponent(value), 'path=' + cookiePath()];
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
    return !name || EMPTY_NAME_STRINGS.indexOf(name) >= 0;  // !name: undefined, null, 0, false, NaN, ''
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

    // alias skips the same empty names as identify: an alias joins two IDs for good, and one
    // to "null" or "" would join every visitor whose page printed an empty value into one person.
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

    // The real library binds trackClick on mousedown: the beacon leaves on the press,
    // before a link's click starts the next page.
    trackClick: function (selector, name, props) {
      document.addEventListener('mousedown', function (event) {
        if (isTracked(event.target, selector)) KM.record(name, props);
      }, true);
    },

    trackSubmit: function (selector, name, props) {
      document.addEventListener('submit', function (event) {
        var form = event.target;
        if (!isTracked(form, selector) || !form.elements) return;
        var fields = formFields(form);
        if (!getCookie('km_ni')) {  // a form names only an anonymous visitor, like identify's alias
          for (var field in fields) {
            if (IDENTITY_FIELD.test(field.replace(/[_-]/g, '')) && fields[field]) { KM.identify(fields[field]); break; }
          }
        }
        for (var key in (props || {})) if (Object.prototype.hasOwnProperty.call(props, key)) fields[key] = props[key];
        KM.record(name, fields);
      }, true);
    }
  };

  // What trackClick and trackSubmit accept, as the real library does ("JavaScript Library
  // Specifics"; the Event Library takes "a single HTML ID or a single class name"): an element
  // ID (no '#'), a '.class', or an Element. Nothing is a CSS selector: 'form', '#signup' or
  // 'form.x' find nothing. The event counts when its target is the tracked element or inside it,
  // as a listener bound on that element sees it (a press on a button's label, the submit of a
  // form inside a tracked wrapper). Decision: the element is looked up at event time rather than
  // bound when the call runs, so a call in the page's head works whether or not the page has
  // been parsed when the library starts (the real one asks for the call after the element).
  function isTracked(target, selector) {
    try {
      if (!target || target.nodeType !== 1) return false;
      if (selector && typeof selector === 'object' && selector.nodeType === 1) {
        return selector === target || selector.contains(target);
      }
      if (typeof selector !== 'string' || !selector) return false;
      if (selector.charAt(0) !== '.') {
        var byId = document.getElementById(selector);
        return !!byId && (byId === target || byId.contains(target));
      }
      var className = selector.slice(1);
      if (!className || /\s/.test(className)) return false;  // one class name, as the real one takes
      for (var node = target; node && node.nodeType === 1; node = node.parentNode) {
        var classes = ' ' + (node.getAttribute('class') || '').replace(/\s+/g, ' ') + ' ';
        if (classes.indexOf(' ' + className + ' ') >= 0) return true;
      }
      return false;
    } catch (err) {
      return false;  // a page that broke the DOM's methods tracks nothing rather than throwing
    }
  }

  // The form's fields as the real library sends them: by their name attribute only ("if there
  // is no name, we cannot capture the information from that field", "JavaScript Library
  // Specifics"), without passwords and card data, and without buttons, which are not data.
  function formFields(form) {
    var fields = {};
    var elements = form.elements || [];
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      var name = el.name;
      if (!name || typeof name !== 'string' || el.type === 'password' || PRIVATE_FIELD.test(name)) continue;
      if (/^(submit|button|reset|image|file)$/.test(el.type) || el.tagName === 'FIELDSET') continue;
      if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) continue;
      fields[name] = el.value;
    }
    return fields;
  }

  // ?kmi=ID and ?kme=EVENT in a page's address (links in e-mails and campaigns): the real
  // library identifies the visitor (an alias only while anonymous, as identify does)
  // and records the event, once, when it loads on the page; values are URL-decoded.
  function queryParam(name) {
    var pairs = location.search.replace(/^\?/, '').split('&');
    for (var i = 0; i < pairs.length; i++) {
      var eq = pairs[i].indexOf('=');
      if (eq < 0 || pairs[i].slice(0, eq) !== name) continue;
      var raw = pairs[i].slice(eq + 1).replace(/\+/g, ' ');
      try { return decodeURIComponent(raw); } catch (err) { return raw; }
    }
    return null;
  }

  function trackFromAddress() {
    var id = queryParam('kmi');
    // An address only ever names someone: '?kmi=' or '?kmi=null' is no log-out link.
    if (!isEmptyName(id)) KM.identify(id);
    var event = queryParam('kme');
    if (event) KM.record(event);
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
  // The address names who arrived; the page's own commands run after it and have the last word.
  runCommand(trackFromAddress);
  pending.forEach(runCommand);
})(window, document);
