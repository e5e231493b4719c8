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
    var opened = 0;
    rows.forEach(function (r) {
      var name = el('td', {className: 'name'}, r.name || '(unnamed)');
      name.style.paddingLeft = (6 + (r.depth || 0) * 14) + 'px';
      var content = r.change === 'changed' && r.a && r.b ? contentRow(r) : null;
      tbody.appendChild(el('tr', {className: 'change-' + r.change + (r.outputChanged ? ' output-changed' : ''), title: r.path},
          name,
          el('td', null, r.kind ? String(r.kind).toLowerCase() : ''),
          el('td', {className: 'change'}, el('span', {className: 'change-label'}, changeWords(r)), content ? content.button : null),
          sideCell(aId, r.a),
          sideCell(bId, r.b),
          el('td', {className: 'num'}, delta(r.durationDeltaMs, TW.duration, true)),
          el('td', {className: 'num'}, delta(r.tokensDelta, count, true)),
          el('td', {className: 'num'}, delta(r.costDelta, TW.cost, true))));
      if (content) {
        tbody.appendChild(content.row);
        if (opened++ < AUTO_OPEN) content.toggle();
      }
    });
    return el('table', {className: 'compare-rows'},
        el('thead', null, el('tr', null, ['Span', 'Kind', 'Change', 'A', 'B', 'Δ duration', 'Δ tokens', 'Δ cost'].map(function (h, i) {
          return el('th', {scope: 'col', className: i >= 3 ? 'num' : ''}, h);
        }))), tbody);
  }

  /** Changed spans whose input and output are shown without a click (their content comes with the comparison). */
  var AUTO_OPEN = 10;
  /** A side by side shows at most this many rows, and this much of a line. */
  var MAX_DIFF_ROWS = 3000;
  var MAX_LINE_CHARS = 4000;
  /** Unchanged lines kept around a change; longer unchanged runs are folded. */
  var CONTEXT = 3;
  var reads = {};

  /** A side's input or output: {text, note}; text null when there is none. Each blob is read once. */
  function sideContent(side, which) {
    var c = side[which];
    if (!c) {
      var failed = which === 'output' && side.errorType;
      return Promise.resolve({text: null, note: failed ? 'no output: failed with ' + side.errorType + (side.errorMessage ? ': ' + side.errorMessage : '')
          : 'not captured'});
    }
    if (!c.ref) {
      return Promise.resolve({text: c.preview, note: c.preview === null ? 'not captured' : 'preview (redacted, possibly shortened)'});
    }
    if (!reads[c.ref]) reads[c.ref] = TW.api('/api/content/' + encodeURIComponent(c.ref));
    return reads[c.ref].then(function (r) {
      return {text: r.content, note: r.truncated ? 'only the first ' + TW.tokens(r.limitChars) + ' characters (the view\'s limit)'
          : c.state === 'TRUNCATED' ? 'cut short when it was captured' : null};
    }, function (error) {
      return {text: null, note: 'could not be read: ' + error.message};
    });
  }

  /** The row under a changed span holding its input and output, A beside B; built when first opened. */
  function contentRow(r) {
    var cell = el('td', {colSpan: 8, className: 'content-diff'});
    var row = el('tr', {className: 'content-row'}, cell);
    row.hidden = true;
    var button = el('button', {type: 'button', className: 'show-content', 'aria-expanded': 'false'}, 'Show input and output');
    var loaded = false;
    function toggle() {
      var open = row.hidden;
      row.hidden = !open;
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
      button.textContent = open ? 'Hide input and output' : 'Show input and output';
      if (open && !loaded) {
        loaded = true;
        cell.appendChild(el('p', {className: 'muted'}, 'loading…'));
        Promise.all([sideContent(r.a, 'output'), sideContent(r.b, 'output'), sideContent(r.a, 'input'), sideContent(r.b, 'input')]).then(function (c) {
          TW.clear(cell);
          cell.appendChild(diffPanel('Output', c[0], c[1]));
          cell.appendChild(diffPanel('Input', c[2], c[3]));
        });
      }
    }
    button.addEventListener('click', toggle);
    return {row: row, button: button, toggle: toggle};
  }

  function clipLine(line) {
    return line.length > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + '… (' + TW.tokens(line.length - MAX_LINE_CHARS) + ' more characters)' : line;
  }

  /** One side's cells of a row: line number, mark (− or +, a word for screen readers), text. */
  function sideCells(lines, index, changed, mark, word) {
    if (index < 0) return [el('td', {className: 'ln'}), el('td', {className: 'mark'}), el('td', {className: 'line none'})];
    return [el('td', {className: 'ln'}, String(index + 1)),
      el('td', {className: 'mark' + (changed ? ' ' + word : '')}, changed ? mark : '', changed ? el('span', {className: 'visually-hidden'}, word === 'del' ? ' changed in A' : ' changed in B') : null),
      el('td', {className: 'line' + (changed ? ' ' + word : '')}, clipLine(lines[index]))];
  }

  /** A's and B's text side by side, lines that differ marked; long unchanged runs folded. */
  function diffPanel(title, a, b) {
    var section = el('section', {className: 'diff-panel ' + title.toLowerCase()});
    var aLines = a.text === null ? [] : TW.messages.transcript(a.text);
    var bLines = b.text === null ? [] : TW.messages.transcript(b.text);
    var same = a.text === b.text && a.text !== null;
    var head = el('div', {className: 'diff-head'}, el('h3', null, title));
    section.appendChild(head);
    var notes = el('div', {className: 'diff-notes'});
    [['A', a], ['B', b]].forEach(function (s) {
      if (s[1].note) notes.appendChild(el('p', {className: 'muted'}, s[0] + ': ' + s[1].note));
    });
    if (a.text === null && b.text === null) {
      section.appendChild(notes);
      return section;
    }
    if (a.text !== null) head.appendChild(el('button', {type: 'button', className: 'copy', onclick: function (e) { TW.messages.copy(a.text, e.currentTarget); }}, 'Copy A'));
    if (b.text !== null) head.appendChild(el('button', {type: 'button', className: 'copy', onclick: function (e) { TW.messages.copy(b.text, e.currentTarget); }}, 'Copy B'));
    var diff = TW.lineDiff(aLines, bLines);
    var rows = TW.sideBySide(diff.ops);
    var changedA = 0;
    var changedB = 0;
    rows.forEach(function (x) { if (x.changed) { if (x.a >= 0) changedA++; if (x.b >= 0) changedB++; } });
    head.appendChild(el('span', {className: 'diff-summary'}, same ? 'the same in A and B (' + aLines.length + (aLines.length === 1 ? ' line)' : ' lines)')
        : '− ' + changedA + (changedA === 1 ? ' line' : ' lines') + ' only in A, + ' + changedB + (changedB === 1 ? ' line' : ' lines') + ' only in B'));
    section.appendChild(notes);
    if (!diff.aligned) {
      notes.appendChild(el('p', {className: 'notice warn'}, 'Too long to align line by line: the lines between the common beginning and end are all marked.'));
    }
    var tbody = el('tbody');
    var table = el('table', {className: 'side-by-side'},
        el('colgroup', null, ['ln', 'mark', 'line', 'ln', 'mark', 'line'].map(function (c) { return el('col', {className: c}); })),
        el('thead', null, el('tr', null, el('th', {colSpan: 3, scope: 'col'}, 'A (before)'), el('th', {colSpan: 3, scope: 'col'}, 'B (after)'))), tbody);
    var shown = 0;
    function line(x) {
      tbody.appendChild(el('tr', {className: x.changed ? 'changed' : 'same'},
          sideCells(aLines, x.a, x.changed, '−', 'del'), sideCells(bLines, x.b, x.changed, '+', 'ins')));
      shown++;
    }
    /** Rows from..to (exclusive) of an unchanged run, folded behind a button. */
    function fold(from, to) {
      var button = el('button', {type: 'button', className: 'unfold'}, '… ' + (to - from) + ' unchanged lines (show)');
      var holder = el('tr', {className: 'fold-row'}, el('td', {colSpan: 6}, button));
      button.addEventListener('click', function () {
        var anchor = holder.nextSibling;
        for (var k = from; k < to; k++) {
          var x = rows[k];
          tbody.insertBefore(el('tr', {className: 'same'}, sideCells(aLines, x.a, false), sideCells(bLines, x.b, false)), anchor);
        }
        tbody.removeChild(holder);
      });
      tbody.appendChild(holder);
    }
    var i = 0;
    while (i < rows.length && shown < MAX_DIFF_ROWS) {
      if (rows[i].changed || same) {
        line(rows[i++]);
        continue;
      }
      var end = i;
      while (end < rows.length && !rows[end].changed) end++;
      var keepBefore = i === 0 ? 0 : CONTEXT;
      var keepAfter = end === rows.length ? 0 : CONTEXT;
      if (end - i > keepBefore + keepAfter + 1) {
        for (var k = i; k < i + keepBefore; k++) line(rows[k]);
        fold(i + keepBefore, end - keepAfter);
        for (k = end - keepAfter; k < end; k++) line(rows[k]);
      } else {
        for (k = i; k < end; k++) line(rows[k]);
      }
      i = end;
    }
    if (i < rows.length) {
      tbody.appendChild(el('tr', {className: 'fold-row'}, el('td', {colSpan: 6, className: 'muted'},
          (rows.length - i) + ' more lines not shown: copy a side to read it all')));
    }
    if (same) {
      section.appendChild(el('details', {className: 'same-content'}, el('summary', null, 'Show it'), table));
    } else {
      section.appendChild(table);
    }
    return section;
  }

  TW.say('Comparing…');
  TW.api('/api/compare?a=' + encodeURIComponent(a) + '&b=' + encodeURIComponent(b)).then(function (c) {
    TW.say('');
    document.title = 'Compare ' + TW.shortId(c.a && c.a.traceId) + ' and ' + TW.shortId(c.b && c.b.traceId) + ' · Tracewright';
    TW.clear(root);
    Object.keys(c.contents || {}).forEach(function (hash) { reads[hash] = Promise.resolve(c.contents[hash]); });
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
