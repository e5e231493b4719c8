/*
 * Compare: two traces aligned span by span (the alignment is /api/compare's, the same as
 * `tracewright diff`). Deltas are B minus A: slower or costlier in red, faster or cheaper in green,
 * and every change is also said in words (added, removed, output changed), never by colour alone.
 */
'use strict';
(function (TW) {
  var el = TW.el;
  var root = document.getElementById('compare');
  var form = document.getElementById('pick');
  var params = new URLSearchParams(location.search);
  var a = params.get('a');
  var b = params.get('b');
  if (a) form.elements.a.value = a;
  if (b) form.elements.b.value = b;
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var p = new URLSearchParams();
    p.set('a', form.elements.a.value.trim());
    p.set('b', form.elements.b.value.trim());
    location.assign('/compare?' + p.toString());
  });
  if (!a || !b) {
    TW.say('Pick two traces in the list (tick two rows, then Compare), or give their IDs above.');
    return;
  }

  /** "+12.0 ms" / "−3.0 ms" with a class: worse (higher is worse) or better. */
  function delta(value, format, higherIsWorse) {
    if (value === null || value === undefined) return el('span', {className: 'muted'}, '-');
    if (value === 0) return el('span', {className: 'delta same'}, '±0');
    var worse = higherIsWorse === null ? null : (value > 0) === higherIsWorse;
    var text = (value > 0 ? '+' : '−') + format(Math.abs(value));
    var word = worse === null ? '' : worse ? ' (worse)' : ' (better)';
    return el('span', {className: 'delta ' + (worse === null ? 'neutral' : worse ? 'worse' : 'better'), title: text + word}, text,
        el('span', {className: 'visually-hidden'}, word));
  }

  function count(n) { return TW.tokens(n); }

  function summary(label, t) {
    if (!t) return el('div', {className: 'card'}, label + ': -');
    return el('div', {className: 'card'},
        el('h2', null, label + ': ', el('a', {href: '/trace/' + t.traceId}, t.name || '(unnamed)'), ' ',
            el('span', {className: 'muted id'}, TW.shortId(t.traceId))),
        el('p', null, TW.time(t.startTime) + ' · ' + TW.duration(t.durationMs) + ' · ' + t.spans + ' spans · ' +
            TW.tokens((t.inputTokens || 0) + (t.outputTokens || 0)) + ' tokens · ' + (t.costUsd === null || t.costUsd === undefined ? 'no cost' : TW.cost(t.costUsd)) + ' · ' + String(t.status).toLowerCase()));
  }

  function totalsTable(totals) {
    var metrics = [
      ['Duration', 'durationMs', TW.duration, true],
      ['Tokens', 'tokens', count, true],
      ['Cost', 'costUsd', TW.cost, true],
      ['Spans', 'spans', count, null],
      ['Errors', 'errors', count, true]];
    var tbody = el('tbody');
    metrics.forEach(function (m) {
      var t = totals[m[1]] || {};
      tbody.appendChild(el('tr', null, el('th', {scope: 'row'}, m[0]),
          el('td', {className: 'num'}, t.a === null || t.a === undefined ? '-' : m[2](t.a)),
          el('td', {className: 'num'}, t.b === null || t.b === undefined ? '-' : m[2](t.b)),
          el('td', {className: 'num'}, delta(t.delta, m[2], m[3]))));
    });
    return el('table', {className: 'totals-table'},
        el('thead', null, el('tr', null, el('th', {scope: 'col'}, ''), el('th', {scope: 'col', className: 'num'}, 'A'),
            el('th', {scope: 'col', className: 'num'}, 'B'), el('th', {scope: 'col', className: 'num'}, 'B − A'))), tbody);
  }

  function changeWords(r) {
    var words = [];
    if (r.change === 'added') words.push('added in B');
    else if (r.change === 'removed') words.push('removed in B');
    if (r.outputChanged) words.push('output changed');
    if (r.statusChanged) words.push('status ' + (r.a ? r.a.status : '?') + ' → ' + (r.b ? r.b.status : '?'));
    if (!words.length) words.push(r.change === 'changed' ? 'changed' : 'same');
    return words.join(', ');
  }

  /** A side's duration, linking to that span in its trace. */
  function sideCell(traceId, side) {
    if (!side) return el('td', {className: 'num'}, '-');
    return el('td', {className: 'num'}, el('a', {href: '/trace/' + traceId + '#' + encodeURIComponent(side.spanId),
      title: 'Open this span in its trace'}, TW.duration(side.durationMs)));
  }

  function rowsTable(rows, aId, bId) {
    var tbody = el('tbody');
    rows.forEach(function (r) {
      var name = el('td', {className: 'name'}, r.name || '(unnamed)');
      name.style.paddingLeft = (6 + (r.depth || 0) * 14) + 'px';
      tbody.appendChild(el('tr', {className: 'change-' + r.change + (r.outputChanged ? ' output-changed' : ''), title: r.path},
          name,
          el('td', null, r.kind ? String(r.kind).toLowerCase() : ''),
          el('td', {className: 'change'}, el('span', {className: 'change-label'}, changeWords(r))),
          sideCell(aId, r.a),
          sideCell(bId, r.b),
          el('td', {className: 'num'}, delta(r.durationDeltaMs, TW.duration, true)),
          el('td', {className: 'num'}, delta(r.tokensDelta, count, true)),
          el('td', {className: 'num'}, delta(r.costDelta, TW.cost, true))));
    });
    return el('table', {className: 'compare-rows'},
        el('thead', null, el('tr', null, ['Span', 'Kind', 'Change', 'A', 'B', 'Δ duration', 'Δ tokens', 'Δ cost'].map(function (h, i) {
          return el('th', {scope: 'col', className: i >= 3 ? 'num' : ''}, h);
        }))), tbody);
  }

  TW.say('Comparing…');
  TW.api('/api/compare?a=' + encodeURIComponent(a) + '&b=' + encodeURIComponent(b)).then(function (c) {
    TW.say('');
    document.title = 'Compare ' + TW.shortId(c.a && c.a.traceId) + ' and ' + TW.shortId(c.b && c.b.traceId) + ' · Tracewright';
    TW.clear(root);
    root.appendChild(el('div', {className: 'cards'}, summary('A', c.a), summary('B', c.b)));
    var changes = c.changes || {};
    var counts = ['changed', 'added', 'removed', 'same'].filter(function (k) { return changes[k]; })
        .map(function (k) { return changes[k] + ' ' + k; }).join(', ');
    root.appendChild(el('p', {className: c.equal ? 'notice' : 'notice warn'}, (c.equal
        ? 'Same spans, statuses and outputs (latency, tokens and cost may differ).' : 'The traces differ: see the marked rows below.') +
        (counts ? ' Spans: ' + counts + '.' : '')));
    root.appendChild(totalsTable(c.totals || {}));
    if (c.truncated) root.appendChild(el('p', {className: 'notice warn'}, 'Only the first ' + (c.rowLimit || c.rows.length) + ' of ' +
        (c.rowCount || 'more') + ' aligned rows are shown.'));
    root.appendChild(rowsTable(c.rows || [], c.a && c.a.traceId, c.b && c.b.traceId));
  }, function (error) {
    TW.say(error.message, true);
  });
})(window.TW);
