/*
 * Shared by every page and by the self-contained report. Classic script (not a module) so the report
 * can inline it. Everything recorded is untrusted (model output, tool results, names): it reaches the
 * DOM only through el()/text nodes, never as HTML.
 */
'use strict';
var TW = window.TW || {};
window.TW = TW;

/** el('td', {className: 'num', title: 'x'}, child, 'text', ...): text children become text nodes. */
TW.el = function (tag, props) {
  var node = document.createElement(tag);
  if (props) {
    Object.keys(props).forEach(function (key) {
      var value = props[key];
      if (value === null || value === undefined || value === false) return;
      if (key === 'className' || key === 'textContent' || key === 'href' || key === 'type' || key === 'value' ||
          key === 'id' || key === 'title' || key === 'tabIndex' || key === 'checked' || key === 'disabled' || key === 'name') {
        node[key] = value;
      } else if (key === 'dataset') {
        Object.keys(value).forEach(function (d) { node.dataset[d] = value[d]; });
      } else if (key.indexOf('on') === 0) {
        node.addEventListener(key.substring(2), value);
      } else {
        node.setAttribute(key, String(value));
      }
    });
  }
  for (var i = 2; i < arguments.length; i++) {
    TW.append(node, arguments[i]);
  }
  return node;
};

TW.append = function (node, child) {
  if (child === null || child === undefined || child === false) return node;
  if (Array.isArray(child)) {
    child.forEach(function (c) { TW.append(node, c); });
  } else if (typeof child === 'object') {
    node.appendChild(child);
  } else {
    node.appendChild(document.createTextNode(String(child)));
  }
  return node;
};

TW.clear = function (node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
};

/* Numbers written as the CLI writes them (dev.tracewright.cli.Format), so a page and a terminal agree. */
function fixed(value, digits) {
  return Number(value).toFixed(digits);
}

TW.duration = function (ms) {
  if (ms === null || ms === undefined) return '-';
  if (ms >= 60000) return fixed(ms / 60000, 1) + ' min';
  if (ms >= 1000) return fixed(ms / 1000, 2) + ' s';
  if (ms >= 1) return fixed(ms, 1) + ' ms';
  return fixed(ms * 1000, 0) + ' µs';
};

TW.tokens = function (n) {
  if (n === null || n === undefined) return '-';
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
};

/**
 * A cost, or a sum of costs of which `unpriced` calls have none (their model has no price): the known
 * part and how many are unknown, as the CLI writes it ("$0.0123 + unknown (2 calls)"), never $0.
 */
TW.cost = function (usd, unpriced) {
  if (unpriced > 0) {
    var unknown = 'unknown (' + unpriced + (unpriced === 1 ? ' call)' : ' calls)');
    return usd === null || usd === undefined ? unknown : TW.cost(usd) + ' + ' + unknown;
  }
  if (usd === null || usd === undefined) return '-';
  if (usd >= 1) return '$' + fixed(usd, 2);
  return usd >= 0.001 || usd === 0 ? '$' + fixed(usd, 4) : '$' + fixed(usd, 6);
};

TW.percent = function (rate) {
  return fixed(100 * rate, 1) + '%';
};

/** Milliseconds since the epoch with the sub-millisecond digits an ISO-8601 instant carries. */
TW.timeMs = function (iso) {
  if (!iso) return null;
  var m = /^(.*?)(?:\.(\d+))?Z$/.exec(iso);
  if (!m) return Date.parse(iso);
  var whole = Date.parse(m[1] + 'Z');
  return m[2] ? whole + parseFloat('0.' + m[2]) * 1000 : whole;
};

/** A start time in the reader's zone: 2026-11-23 10:04:05, as the CLI prints it. */
TW.time = function (iso) {
  if (!iso) return '-';
  var d = new Date(TW.timeMs(iso));
  function two(n) { return n < 10 ? '0' + n : String(n); }
  return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' +
      two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
};

/** A status as words (never colour alone): running, ok, error. */
TW.statusLabel = function (trace) {
  if (trace.running || trace.status === 'INCOMPLETE') return 'running';
  if (trace.status === 'ERROR') return 'error';
  if (trace.errorCount > 0) return 'ok, ' + trace.errorCount + (trace.errorCount === 1 ? ' error inside' : ' errors inside');
  return 'ok';
};

/** GET /api/...: the parsed JSON, or an Error carrying the API's one-line message. */
TW.api = function (path) {
  return fetch(path, {headers: {Accept: 'application/json'}, cache: 'no-store'}).then(function (response) {
    return response.json().catch(function () { return {error: 'HTTP ' + response.status}; }).then(function (body) {
      if (!response.ok) {
        var error = new Error(body && body.error ? body.error : 'HTTP ' + response.status);
        error.status = response.status;
        throw error;
      }
      return body;
    });
  });
};

/** Shows a one-line problem in the page's status area (role=status, read out by screen readers). */
TW.say = function (message, isError) {
  var box = document.getElementById('notice');
  if (!box) return;
  box.textContent = message || '';
  box.className = isError ? 'notice error' : 'notice';
  box.hidden = !message;
};

/** Short trace ID, as `tracewright list` shows it: the time-ordered half, unique and enough to find it again. */
TW.shortId = function (id) {
  return id ? id.substring(0, 16) : '';
};
