/*
 * Stats: tokens and cost over time (bars drawn here as inline SVG from /api/stats's bucketed series),
 * and by trace, model and span name: the rows of `tracewright stats`, written as the CLI writes them.
 */
'use strict';
(function (TW) {
  var el = TW.el;
  var SVG = 'http://www.w3.org/2000/svg';
  var root = document.getElementById('stats');
  var form = document.getElementById('window');
  // The last 24 h unless asked (all time answers from the hourly rollups too, but the last day is what one looks at first).
  var DEFAULT_WINDOW = '24h';
  var asked = (new URLSearchParams(location.search).get('since') || '').trim();
  form.elements.since.value = asked || DEFAULT_WINDOW;
  var since = asked.toLowerCase() === 'all' ? null : (asked || DEFAULT_WINDOW);
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var value = form.elements.since.value.trim();
    location.assign('/stats?since=' + encodeURIComponent(value || 'all'));
  });

  function svg(tag, attributes) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, String(attributes[k])); });
    return node;
  }

  /** One bar per bucket from the window's start to now; empty buckets are gaps. */
  function chart(title, series, value, format) {
    var now = Date.now();
    var from = TW.timeMs(series.from);
    var width = series.bucketMs;
    var count = Math.max(1, Math.min(series.maxBuckets, Math.ceil((now - from) / width)));
    var values = new Array(count).fill(0);
    series.buckets.forEach(function (b) {
      var i = Math.floor((TW.timeMs(b.start) - from) / width);
      if (i >= 0 && i < count) values[i] += value(b) || 0;
    });
    var max = Math.max.apply(null, values);
    var W = 600, H = 140, PAD = 18;
    var chartNode = svg('svg', {viewBox: '0 0 ' + W + ' ' + (H + PAD), role: 'img', 'aria-label': title + ', most in one bucket: ' + format(max), class: 'chart'});
    var barWidth = W / count;
    values.forEach(function (v, i) {
      if (!v) return;
      var h = max ? Math.max(1, v / max * H) : 0;
      var bar = svg('rect', {x: (i * barWidth + 1).toFixed(2), y: (H - h).toFixed(2), width: Math.max(barWidth - 2, 1).toFixed(2), height: h.toFixed(2), class: 'chart-bar'});
      var tip = svg('title');
      tip.textContent = TW.time(new Date(from + i * width).toISOString()) + ': ' + format(v);
      bar.appendChild(tip);
      chartNode.appendChild(bar);
    });
    chartNode.appendChild(svg('line', {x1: 0, y1: H, x2: W, y2: H, class: 'chart-axis'}));
    var left = svg('text', {x: 0, y: H + PAD - 4, class: 'chart-label'});
    left.textContent = TW.time(series.from);
    var right = svg('text', {x: W, y: H + PAD - 4, class: 'chart-label end'});
    right.textContent = 'now';
    chartNode.appendChild(left);
    chartNode.appendChild(right);
    return el('figure', {className: 'chart-box'}, el('figcaption', null, title + ' (most in one bucket: ' + format(max) + '; a bar is ' + TW.duration(width) + ')'), chartNode);
  }

  function table(id, caption, keyTitle, rows) {
    var tbody = el('tbody');
    rows.forEach(function (r) {
      tbody.appendChild(el('tr', null,
          el('th', {scope: 'row', className: 'key'}, r.key === null ? '(none)' : r.key),
          el('td', {className: 'num'}, String(r.count)),
          el('td', {className: 'num'}, TW.duration(r.p50Ms)),
          el('td', {className: 'num'}, TW.duration(r.p95Ms)),
          el('td', {className: 'num'}, TW.tokens(r.inputTokens + r.outputTokens)),
          el('td', {className: 'num'}, TW.cost(r.costUsd, r.unpricedCalls)),
          el('td', {className: 'num'}, TW.percent(r.errorRate))));
    });
    var head = el('tr', null, [keyTitle, 'Count', 'p50', 'p95', 'Tokens', 'Cost', 'Error rate'].map(function (h, i) {
      return el('th', {scope: 'col', className: i ? 'num' : ''}, h);
    }));
    return el('section', null, el('h2', null, caption),
        rows.length ? el('table', {id: id, className: 'stats-table'}, el('thead', null, head), tbody) : el('p', {className: 'muted'}, 'nothing in this window'));
  }

  // Until the answer comes: say so (the page would otherwise stay blank), in words for screen readers too.
  function loading() {
    TW.clear(root);
    root.setAttribute('aria-busy', 'true');
    root.appendChild(el('p', {id: 'stats-loading', className: 'notice loading', role: 'status'},
        'Loading stats ' + (since ? 'since ' + since : 'of all time') + '…'));
  }

  loading();
  TW.api('/api/stats' + (since ? '?since=' + encodeURIComponent(since) : '')).then(function (s) {
    TW.clear(root);
    root.removeAttribute('aria-busy');
    if (s.series && s.series.from && s.series.buckets.length) {
      root.appendChild(el('section', {className: 'charts'}, el('h2', null, 'Over time'),
          chart('Tokens (in + out)', s.series, function (b) { return b.inputTokens + b.outputTokens; }, TW.tokens),
          chart('Cost', s.series, function (b) { return b.costUsd; }, TW.cost),
          chart('Failed spans', s.series, function (b) { return b.errors; }, TW.tokens)));
    }
    root.appendChild(table('by-trace', 'By trace (whole runs: tokens and cost of every span in them)', 'Trace', s.byTrace));
    root.appendChild(table('by-model', 'By model', 'Model', s.byModel));
    root.appendChild(table('by-span-name', 'By span name (each span\'s own tokens and cost, not its children\'s)', 'Span', s.bySpanName));
    if (s.truncated) root.appendChild(el('p', {className: 'notice warn'}, 'Only the first rows of each table are shown.'));
  }, function (error) {
    TW.clear(root);
    root.removeAttribute('aria-busy');
    TW.say(error.message, true);
  });
})(window.TW);
