/*
 * The trace list: newest first (or sorted by a measure), filters kept in the page's URL (so a view can be linked), older pages
 * through the API's keyset cursor, and new traces added while you watch.
 *
 * New traces come by polling /api/traces every 2 s, not by server-sent events: the server stays a
 * stateless read-only API that holds the database file only for the milliseconds of a request (an
 * agent that starts meanwhile must be able to open it), and a push would need a server-side poll
 * and a held connection per open tab anyway.
 */
'use strict';
(function (TW) {
  var FILTERS = ['name', 'status', 'model', 'tag', 'session', 'user', 'since', 'until', 'q', 'text', 'sort'];
  var PAGE = 50;
  var POLL_MS = 2000;
  var el = TW.el;

  var form = document.getElementById('filters');
  var body = document.getElementById('rows');
  var older = document.getElementById('older');
  var compare = document.getElementById('compare');
  var live = document.getElementById('live');
  var empty = document.getElementById('empty');

  var query = new URLSearchParams(location.search);
  var filters = new URLSearchParams();
  FILTERS.forEach(function (name) {
    var value = query.get(name);
    if (value) {
      filters.set(name, value);
      form.elements[name].value = (name === 'status' && value === 'all') || (name === 'sort' && value === 'newest') ? '' : value;
    }
  });

  // New traces go on top only in the newest-first order; a sorted list refreshes the rows it shows.
  var sorted = !!filters.get('sort') && filters.get('sort') !== 'newest';
  if (sorted) older.textContent = 'More traces';
  var shown = {};   // traceId -> {trace, row}
  var newest = null;
  var next = null;
  var selected = [];

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var params = new URLSearchParams();
    FILTERS.forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) params.set(name, value);
    });
    var search = params.toString();
    location.assign(location.pathname + (search ? '?' + search : ''));
  });

  function apiUrl(cursor) {
    var params = new URLSearchParams(filters);
    params.set('limit', String(PAGE));
    if (cursor) {
      params.set('before', cursor.before);
      params.set('beforeId', cursor.beforeId);
    }
    return '/api/traces?' + params.toString();
  }

  function isNewer(a, b) {
    var ta = TW.timeMs(a.startTime);
    var tb = TW.timeMs(b.startTime);
    return ta > tb || (ta === tb && a.traceId > b.traceId);
  }

  /** This list with one more filter set (a tag, session or user clicked in a row). */
  function filteredBy(name, value) {
    var params = new URLSearchParams(filters);
    params.set(name, value);
    return location.pathname + '?' + params.toString();
  }

  /**
   * The trace's session, user and tags as chips that filter the list (buttons, so the row's only link
   * stays its name); recorded values, so text only.
   */
  function labels(t) {
    function chip(kind, value, text, title) {
      return el('button', {type: 'button', className: 'tag label' + (kind === 'tag' ? '' : ' ' + kind), title: title,
        dataset: {filter: kind}, onclick: function () { location.assign(filteredBy(kind, value)); }}, text);
    }
    var chips = [];
    if (t.sessionId) chips.push(chip('session', t.sessionId, 'session ' + t.sessionId, 'Only the traces of this session'));
    if (t.userId) chips.push(chip('user', t.userId, 'user ' + t.userId, 'Only the traces of this user'));
    (t.tags || []).forEach(function (tag) { chips.push(chip('tag', tag, tag, 'Only the traces with this tag')); });
    return chips;
  }

  function cells(t) {
    var status = TW.statusLabel(t);
    var box = el('input', {type: 'checkbox', 'aria-label': 'Select ' + (t.name || 'trace') + ' ' + TW.time(t.startTime) + ' to compare',
      checked: selected.indexOf(t.traceId) >= 0,
      onchange: function (e) { choose(t, e.target.checked); }});
    return [
      el('td', null, box),
      el('td', {className: 'time'}, TW.time(t.startTime)),
      el('td', {className: 'name'}, el('a', {href: '/trace/' + t.traceId}, t.name || '(unnamed)'), ' ',
          el('span', {className: 'muted id'}, TW.shortId(t.traceId)),
          t.replayOf ? el('span', {className: 'tag replay', title: 'A replay of the recorded trace ' + t.replayOf}, 'replay of ' + TW.shortId(t.replayOf)) : null,
          labels(t), preview('in', 'Input', t.inputPreview), preview('out', 'Output', t.outputPreview)),
      el('td', {className: 'num'}, t.running ? 'running' : TW.duration(t.durationMs)),
      el('td', {className: 'num'}, String(t.spanCount) + (t.droppedSpans ? ' (' + t.droppedSpans + ' dropped)' : '')),
      el('td', {className: 'num'}, TW.tokens(t.inputTokens + t.outputTokens)),
      el('td', {className: 'num'}, TW.cost(t.costUsd, t.unpricedCalls)),
      el('td', null, el('span', {className: 'status status-' + status.split(',')[0]}, status))
    ];
  }

  /** The root's input or output preview on one line (as stored: redacted, cut), all of it in the tooltip; text, never HTML. */
  function preview(which, label, text) {
    if (text == null || text === '') return null;
    var line = String(text).replace(/\s+/g, ' ').trim();
    return el('div', {className: 'preview preview-' + which, title: label + ': ' + String(text)},
        el('span', {className: 'muted preview-label'}, which === 'in' ? '→ ' : '← '), line);
  }

  function rowFor(t, fresh) {
    var row = el('tr', {className: (t.running ? 'running' : '') + (fresh ? ' fresh' : ''), dataset: {traceId: t.traceId}}, cells(t));
    shown[t.traceId] = {trace: t, row: row};
    return row;
  }

  function update(t) {
    var entry = shown[t.traceId];
    var was = entry.trace;
    if (was.running === t.running && was.spanCount === t.spanCount && was.status === t.status && was.durationMs === t.durationMs &&
        was.sessionId === t.sessionId && was.userId === t.userId && String(was.tags) === String(t.tags)) return;
    var row = rowFor(t, false);
    entry.row.replaceWith(row);
  }

  function choose(t, on) {
    selected = selected.filter(function (id) { return id !== t.traceId; });
    if (on) selected.push(t.traceId);
    compare.disabled = selected.length !== 2;
    compare.textContent = selected.length === 2 ? 'Compare the two selected' : 'Compare the two selected (' + selected.length + ' of 2)';
  }

  compare.addEventListener('click', function () {
    if (selected.length !== 2) return;
    var a = shown[selected[0]].trace;
    var b = shown[selected[1]].trace;
    if (isNewer(a, b)) { var swap = a; a = b; b = swap; }
    location.assign('/compare?a=' + encodeURIComponent(a.traceId) + '&b=' + encodeURIComponent(b.traceId));
  });

  function showPage(page) {
    page.traces.forEach(function (t) {
      if (shown[t.traceId]) { update(t); return; }
      body.appendChild(rowFor(t, false));
      if (!newest || isNewer(t, newest)) newest = t;
    });
    next = page.next;
    older.hidden = !next;
    empty.hidden = body.children.length > 0;
  }

  older.addEventListener('click', function () {
    if (!next) return;
    older.disabled = true;
    TW.api(apiUrl(next)).then(function (page) { showPage(page); older.disabled = false; },
        function (error) { TW.say(error.message, true); older.disabled = false; });
  });

  /** The first page again: traces newer than the newest shown go on top, running ones are refreshed. */
  function poll() {
    if (document.hidden) { setTimeout(poll, POLL_MS); return; }
    TW.api(apiUrl(null)).then(function (page) {
      var fresh = sorted ? [] : page.traces.filter(function (t) { return !shown[t.traceId] && (!newest || isNewer(t, newest)); });
      page.traces.forEach(function (t) { if (shown[t.traceId]) update(t); });
      for (var i = fresh.length - 1; i >= 0; i--) {
        body.insertBefore(rowFor(fresh[i], true), body.firstChild);
        if (!newest || isNewer(fresh[i], newest)) newest = fresh[i];
      }
      empty.hidden = body.children.length > 0;
      live.textContent = sorted ? 'Sorted: new traces are not added here (sort newest first to watch them arrive)'
          : fresh.length ? fresh.length + (fresh.length === 1 ? ' new trace' : ' new traces') + ' at ' + new Date().toLocaleTimeString()
          : 'Watching for new traces (every 2 s)';
      TW.say('');
      setTimeout(poll, POLL_MS);
    }, function (error) {
      live.textContent = 'Not updating: ' + error.message;
      setTimeout(poll, POLL_MS * 2);
    });
  }

  TW.api(apiUrl(null)).then(function (page) {
    showPage(page);
    setTimeout(poll, POLL_MS);
  }, function (error) {
    TW.say(error.message, true);
  });
})(window.TW);
