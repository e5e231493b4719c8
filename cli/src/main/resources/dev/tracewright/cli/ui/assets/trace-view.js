/*
 * The trace view: a collapsible span tree beside a waterfall (one row per span, both on one shared
 * time axis), the trace's totals and critical path, and an inspector for the selected span. Used by
 * the trace page (data from /api/traces/{id}) and by the report (data inline, no fetch).
 *
 * Fast on 10,000 spans: the layout (tree order, depths, offsets, critical path) is computed once; the
 * list is virtual (fixed row height, only the rows in view are in the DOM) and a collapse only
 * recomputes which rows are visible.
 *
 * Any number of spans: a trace larger than one answer holds comes "ranged" ({ranged: true, rows:
 * url}); the server lays it out (same rules) and the view fetches pages of rows, in tree order, as
 * they scroll into view. A fold then hides a range of rows (a node's subtree size is known).
 */
'use strict';
(function (TW) {
  var ROW_HEIGHT = 24;
  var OVERSCAN = 8;
  var MAX_JSON_CHILDREN = 500;
  var PAGE_ROWS = 500;
  var el = TW.el;

  /** Parent/children, depth-first order, depths, times relative to the trace start: once per trace. */
  function layout(data) {
    var spans = data.spans.map(function (s, i) {
      var start = TW.timeMs(s.startTime);
      var end = s.endTime ? TW.timeMs(s.endTime) : start + (s.durationMs || 0);
      return {span: s, index: i, start: start, end: Math.max(end, start), children: [], parent: null, depth: 0,
        critical: false, collapsed: false, events: []};
    });
    var byId = {};
    spans.forEach(function (n) { byId[n.span.spanId] = n; });
    var roots = [];
    spans.forEach(function (n) {
      var parent = n.span.parentSpanId ? byId[n.span.parentSpanId] : null;
      if (parent && parent !== n) {
        n.parent = parent;
        parent.children.push(n);
      } else {
        roots.push(n);
      }
    });
    function byStart(a, b) { return a.start - b.start || a.index - b.index; }
    roots.sort(byStart);
    spans.forEach(function (n) { n.children.sort(byStart); });
    (data.events || []).forEach(function (e) {
      var n = byId[e.spanId];
      if (n) n.events.push(e);
    });

    var order = [];
    var stack = roots.slice().reverse();
    while (stack.length) {
      var n = stack.pop();
      n.depth = n.parent ? n.parent.depth + 1 : 0;
      n.order = order.length;
      order.push(n);
      for (var c = n.children.length - 1; c >= 0; c--) stack.push(n.children[c]);
    }
    var t0 = Infinity;
    var t1 = -Infinity;
    spans.forEach(function (n) { t0 = Math.min(t0, n.start); t1 = Math.max(t1, n.end); });
    if (!spans.length) { t0 = 0; t1 = 1; }
    markCriticalPath(roots);
    return {order: order, roots: roots, byId: byId, t0: t0, total: Math.max(t1 - t0, 0.001)};
  }

  /**
   * The critical path: the spans that decide when the trace ends. From each span on the path, the
   * child that ends last is on it; then the child that ends last before that one started, and so on
   * (work that ran in parallel with a chosen child did not delay the end).
   */
  function markCriticalPath(roots) {
    var last = roots.slice().sort(function (a, b) { return b.end - a.end; })[0];
    var todo = last ? [last] : [];
    while (todo.length) {
      var n = todo.pop();
      n.critical = true;
      var cursor = n.end;
      var children = n.children.slice().sort(function (a, b) { return b.end - a.end; });
      for (var i = 0; i < children.length; i++) {
        if (children[i].end <= cursor + 1e-6) {
          todo.push(children[i]);
          cursor = children[i].start;
        }
      }
    }
  }

  function visibleRows(model) {
    var rows = [];
    var order = model.order;
    for (var i = 0; i < order.length; i++) {
      var n = order[i];
      rows.push(n);
      if (n.collapsed && n.children.length) {
        i += subtreeSize(n) - 1;
      }
    }
    return rows;
  }

  /** Spans in n's subtree, n included (depth-first order keeps a subtree contiguous). */
  function subtreeSize(n) {
    if (n.size === undefined) {
      var size = 1;
      for (var i = 0; i < n.children.length; i++) size += subtreeSize(n.children[i]);
      n.size = size;
    }
    return n.size;
  }

  /** A ranged trace before its first page: the time axis from the trace's own row until then. */
  function rangedModel(data) {
    var t = data.trace;
    var t0 = TW.timeMs(t.startTime);
    return {order: [], roots: [], byId: {}, t0: t0, total: Math.max(t.durationMs || 0, 0.001)};
  }

  /** The tree rows folded away, as [first hidden row, how many], outermost folds only, in order. */
  function hiddenRanges(nodes) {
    var hidden = [];
    var end = -1;
    nodes.forEach(function (n) {
      if (n && n.collapsed && n.index >= end && n.size > 1) {
        hidden.push([n.index + 1, n.size - 1]);
        end = n.index + n.size;
      }
    });
    return hidden;
  }

  function percent(value) {
    return (Math.round(value * 1000) / 1000) + '%';
  }

  /** A value as a collapsible tree: objects and arrays as <details>, leaves as text. */
  function jsonTree(value, key, depth) {
    var label = key === null ? null : el('span', {className: 'json-key'}, key + ': ');
    if (value !== null && typeof value === 'object') {
      var isArray = Array.isArray(value);
      var keys = isArray ? null : Object.keys(value);
      var size = isArray ? value.length : keys.length;
      var summary = el('summary', null, label, isArray ? '[' + size + (size === 1 ? ' item]' : ' items]') : '{' + size + (size === 1 ? ' key}' : ' keys}'));
      var details = el('details', {className: 'json-node'}, summary);
      details.open = depth < 3;
      var body = el('div', {className: 'json-children'});
      var shown = Math.min(size, MAX_JSON_CHILDREN);
      for (var i = 0; i < shown; i++) {
        body.appendChild(isArray ? jsonTree(value[i], String(i), depth + 1) : jsonTree(value[keys[i]], keys[i], depth + 1));
      }
      if (size > shown) body.appendChild(el('div', {className: 'muted'}, '… ' + (size - shown) + ' more not shown'));
      details.appendChild(body);
      return details;
    }
    var type = value === null ? 'null' : typeof value;
    return el('div', {className: 'json-leaf'}, label, el('span', {className: 'json-' + type}, JSON.stringify(value)));
  }

  /** Captured text with a copy button, GenAI messages as a conversation (messages.js), else plainContent. */
  function contentBlock(text) {
    return TW.contentView ? TW.contentView(text, plainContent) : plainContent(text);
  }

  /** Captured text: as a JSON tree when it parses, else as preformatted text. */
  function plainContent(text) {
    try {
      var value = JSON.parse(text);
      if (value !== null && typeof value === 'object') return el('div', {className: 'json'}, jsonTree(value, null, 0));
      return el('pre', {className: 'content'}, typeof value === 'string' ? value : text);
    } catch (e) {
      return el('pre', {className: 'content'}, text);
    }
  }

  /**
   * Renders data ({trace, spans, events, truncated}) into root. loadContent(hash) returns a promise of
   * {content, truncated} or null when the full content is not available (then the preview is shown).
   */
  function TraceView(root, data, loadContent, restore) {
    var self = this;
    this.root = root;
    this.data = data;
    this.loadContent = loadContent;
    this.ranged = data.ranged ? {url: data.rows, total: 0, nodes: [], loading: {}, hidden: [], critical: null} : null;
    this.model = this.ranged ? rangedModel(data) : layout(data);
    this.rows = this.ranged ? null : visibleRows(this.model);
    this.selected = null;
    this.pending = 0;

    TW.clear(root);
    root.appendChild(this.header());
    var body = el('div', {className: 'trace-body'});
    var pane = el('div', {className: 'span-pane'});
    pane.appendChild(this.axis());
    this.viewport = el('div', {className: 'viewport', tabIndex: 0, role: 'tree', 'aria-label': 'Spans: arrows move, Enter or Space folds, Escape closes the inspector'});
    this.spacer = el('div', {className: 'spacer'});
    this.viewport.appendChild(this.spacer);
    pane.appendChild(this.viewport);
    body.appendChild(pane);
    this.inspector = el('aside', {className: 'inspector', 'aria-label': 'Span inspector'});
    this.inspector.hidden = true;
    body.appendChild(this.inspector);
    root.appendChild(body);

    var scheduled = false;
    this.viewport.addEventListener('scroll', function () {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(function () { scheduled = false; self.render(); });
    });
    this.onResize = function () { self.render(); };
    this.onEscape = function (e) {
      if (e.key === 'Escape' && !self.inspector.hidden) {
        self.closeInspector();
      }
    };
    window.addEventListener('resize', this.onResize);
    document.addEventListener('keydown', this.onEscape);
    this.viewport.addEventListener('keydown', function (e) { self.key(e); });
    this.viewport.addEventListener('click', function (e) { self.click(e); });

    if (restore && !this.ranged) {
      var byId = this.model.byId;
      restore.collapsed.forEach(function (id) { if (byId[id]) byId[id].collapsed = true; });
      this.rows = visibleRows(this.model);
    }
    if (this.ranged) this.fetchRows(0);
    this.resize();
    if (restore) this.viewport.scrollTop = restore.scrollTop;

    var wanted = location.hash.length > 1 ? this.model.byId[decodeURIComponent(location.hash.substring(1))] : null;
    if (wanted && (!restore || restore.inspecting)) {
      this.reveal(wanted);
      this.select(wanted);
    } else {
      this.render();
    }
    if (restore && restore.focused) this.viewport.focus({preventScroll: true});
  }

  /** What a redraw with newer data keeps: folds, scroll position, whether the inspector is open, focus. */
  TraceView.prototype.state = function () {
    return {
      collapsed: this.ranged ? [] : this.model.order.filter(function (n) { return n.collapsed; }).map(function (n) { return n.span.spanId; }),
      scrollTop: this.viewport.scrollTop,
      inspecting: !this.inspector.hidden,
      focused: document.activeElement === this.viewport
    };
  };

  /** Stops listening to the window and the document (before a newer view replaces this one). */
  TraceView.prototype.destroy = function () {
    window.removeEventListener('resize', this.onResize);
    document.removeEventListener('keydown', this.onEscape);
  };

  /** The recorded trace this run replays: its root span's tracewright.replay_of attribute, if any. */
  function replayOf(data) {
    var root = data.spans.filter(function (s) { return !s.parentSpanId; })[0];
    var value = root && root.attributes ? root.attributes['tracewright.replay_of'] : null;
    return typeof value === 'string' && value ? value : null;
  }

  TraceView.prototype.header = function () {
    var t = this.data.trace;
    var critical = this.model.order.filter(function (n) { return n.critical; });
    this.allCritical = !this.ranged && critical.length > 1 && critical.length === this.model.order.length;
    var head = el('section', {className: 'trace-head'});
    head.appendChild(el('h1', null, t.name || '(unnamed)', ' ', el('span', {className: 'status status-' + TW.statusLabel(t).split(',')[0]}, TW.statusLabel(t))));
    var totals = el('dl', {className: 'totals'});
    function item(name, value) { totals.appendChild(el('div', null, el('dt', null, name), el('dd', null, value))); }
    item('Trace', t.traceId);
    item('Started', TW.time(t.startTime));
    item('Duration', TW.duration(t.durationMs));
    item('Spans', String(t.spanCount) + (t.droppedSpans ? ' (' + t.droppedSpans + ' dropped while recording: not stored)' : ''));
    item('Errors', String(t.errorCount));
    item('Tokens', TW.tokens(t.inputTokens) + ' in / ' + TW.tokens(t.outputTokens) + ' out');
    item('Cost', TW.cost(t.costUsd, t.unpricedCalls));
    if (this.ranged) {
      this.criticalItem = el('dd', null, 'bold, outlined bars');
      totals.appendChild(el('div', null, el('dt', null, 'Critical path'), this.criticalItem));
    } else {
      item('Critical path', this.allCritical
          ? 'all ' + critical.length + ' spans: the trace waited for each (bold, outlined bars)'
          : critical.length + (critical.length === 1 ? ' span' : ' spans') + ' (bold, outlined bars)');
    }
    var original = replayOf(this.data);
    if (original) {
      // A replayed run links to the comparison with the run it replays (not in the report: no server there).
      item('Replay of', this.data.report || !/^[0-9a-f]{32}$/.test(original)
          ? original
          : el('a', {className: 'replay-of', href: '/compare?a=' + original + '&b=' + t.traceId, title: 'Compare this replay with the recorded run'},
              original.substring(0, 16) + ' (compare)'));
    }
    head.appendChild(totals);
    if (t.droppedSpans) {
      head.appendChild(el('p', {className: 'notice warn'}, t.droppedSpans + ' of this trace\'s ' + t.spanCount +
          ' spans were dropped while recording (the queue was full): they are not in the database.'));
    }
    if (this.ranged) {
      head.appendChild(el('p', {className: 'notice ranged-notice'}, 'A large trace: ' + t.spanCount +
          ' spans. Rows load as you scroll; the tree and the critical path cover all of them.'));
    } else if (this.data.truncated) {
      head.appendChild(el('p', {className: 'notice warn'}, (this.data.report
          ? 'This report holds the first ' + this.data.spans.length + ' of the trace\'s ' + (this.data.report.storedSpans || t.spanCount) + ' stored spans, by start time (its limit, '
            + (this.data.spanLimit || this.data.spans.length) + ', is set with tracewright report --max-spans).'
          : 'This trace is larger than the view holds: the first ' + this.data.spans.length + ' spans are shown (limit ' +
            (this.data.spanLimit || this.data.spans.length) + ').')));
    } else if (this.data.report) {
      head.appendChild(el('p', {className: 'muted report-holds'}, 'This report holds all ' + this.data.spans.length + ' spans of the trace.'));
    }
    head.appendChild(el('p', {className: 'legend'},
        el('span', {className: 'swatch critical'}), ' critical path  ',
        ['AGENT', 'LLM', 'TOOL', 'RETRIEVAL', 'MEMORY', 'STEP'].map(function (k) {
          return el('span', {className: 'legend-item'}, el('span', {className: 'swatch kind-' + k.toLowerCase()}), ' ' + k.toLowerCase() + ' ');
        }),
        el('span', {className: 'legend-item'}, el('span', {className: 'swatch error'}), ' error '),
        el('span', {className: 'legend-item'}, el('span', {className: 'swatch event'}), ' event (hover for its name)')));
    return head;
  };

  TraceView.prototype.axis = function () {
    var axis = el('div', {className: 'axis', 'aria-hidden': 'true'});
    axis.appendChild(el('div', {className: 'name-cell'}, 'Span'));
    this.axisLane = el('div', {className: 'lane'});
    this.updateAxis();
    axis.appendChild(this.axisLane);
    return axis;
  };

  TraceView.prototype.updateAxis = function () {
    var lane = TW.clear(this.axisLane);
    for (var i = 0; i <= 4; i++) {
      var tick = el('span', {className: 'tick'}, TW.duration(this.model.total * i / 4));
      tick.style.left = (i * 25) + '%';
      lane.appendChild(tick);
    }
  };

  TraceView.prototype.resize = function () {
    this.spacer.style.height = (this.count() * ROW_HEIGHT) + 'px';
  };

  /** How many rows are visible (folded subtrees hidden). */
  TraceView.prototype.count = function () {
    if (!this.ranged) return this.rows.length;
    var hidden = 0;
    this.ranged.hidden.forEach(function (h) { hidden += h[1]; });
    return this.ranged.total - hidden;
  };

  /** The tree row (0 first, all spans) that visible row i shows: folded ranges are skipped. */
  TraceView.prototype.treeRow = function (i) {
    var row = i;
    var hidden = this.ranged.hidden;
    for (var h = 0; h < hidden.length && hidden[h][0] <= row; h++) row += hidden[h][1];
    return row;
  };

  /** The node at visible row i, or null while its page has not arrived. */
  TraceView.prototype.at = function (i) {
    if (!this.ranged) return this.rows[i] || null;
    if (i < 0 || i >= this.count()) return null;
    return this.ranged.nodes[this.treeRow(i)] || null;
  };

  TraceView.prototype.indexOf = function (n) {
    if (!this.ranged) return this.rows.indexOf(n);
    var i = n.index;
    var hidden = this.ranged.hidden;
    for (var h = 0; h < hidden.length && hidden[h][0] <= n.index; h++) {
      if (n.index < hidden[h][0] + hidden[h][1]) return -1;
      i -= hidden[h][1];
    }
    return i;
  };

  /** Asks for the page of rows holding tree row r (once), then draws what arrived. */
  TraceView.prototype.fetchRows = function (r) {
    var ranged = this.ranged;
    var page = Math.floor(r / PAGE_ROWS);
    if (ranged.loading[page]) return;
    ranged.loading[page] = true;
    var self = this;
    TW.api(ranged.url + '?from=' + (page * PAGE_ROWS) + '&limit=' + PAGE_ROWS).then(function (data) {
      self.addRows(data);
    }, function (error) {
      ranged.loading[page] = false;
      TW.say('Could not load rows ' + (page * PAGE_ROWS + 1) + ' to ' + ((page + 1) * PAGE_ROWS) + ': ' + error.message, true);
    });
  };

  TraceView.prototype.addRows = function (data) {
    var ranged = this.ranged;
    var model = this.model;
    var first = !ranged.total;
    ranged.total = data.total;
    if (data.t0) {
      model.t0 = TW.timeMs(data.t0);
      model.total = data.totalMs;
    }
    if (typeof data.criticalRows === 'number' && this.criticalItem) {
      ranged.allCritical = data.criticalRows > 1 && data.criticalRows === data.total;
      this.criticalItem.textContent = ranged.allCritical
          ? 'all ' + data.criticalRows + ' spans: the trace waited for each (bold, outlined bars)'
          : data.criticalRows + (data.criticalRows === 1 ? ' span' : ' spans') + ' (bold, outlined bars)';
    }
    var byEvent = {};
    (data.events || []).forEach(function (e) { (byEvent[e.spanId] = byEvent[e.spanId] || []).push(e); });
    data.rows.forEach(function (r) {
      var s = r.span;
      var start = TW.timeMs(s.startTime);
      var end = s.endTime ? TW.timeMs(s.endTime) : start + (s.durationMs || 0);
      var n = {span: s, index: r.row, start: start, end: Math.max(end, start), childCount: r.children, children: [], size: r.size,
        parent: s.parentSpanId ? model.byId[s.parentSpanId] || null : null, depth: r.depth, critical: r.critical,
        collapsed: false, events: byEvent[s.spanId] || []};
      ranged.nodes[r.row] = n;
      model.byId[s.spanId] = n;
    });
    if (first) {
      this.resize();
      if (this.axisLane) this.updateAxis();
    }
    if (this.wanted !== undefined && this.at(this.wanted)) {
      var w = this.at(this.wanted);
      this.wanted = undefined;
      this.select(w);
    } else {
      this.render();
    }
  };

  /** Puts in the DOM only the rows in view (and a few either side). */
  TraceView.prototype.render = function () {
    var top = this.viewport.scrollTop;
    var height = this.viewport.clientHeight || 600;
    var first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    var last = Math.min(this.count(), Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    TW.clear(this.spacer);
    for (var i = first; i < last; i++) {
      var n = this.at(i);
      this.spacer.appendChild(n ? this.row(n, i) : this.placeholder(i));
    }
    if (this.selected && this.selected.visibleIndex >= first && this.selected.visibleIndex < last) {
      this.viewport.setAttribute('aria-activedescendant', 'span-row-' + this.selected.index);
    } else {
      this.viewport.removeAttribute('aria-activedescendant');
    }
  };

  /** A row whose page is on its way: asked for now. */
  TraceView.prototype.placeholder = function (i) {
    var r = this.treeRow(i);
    this.fetchRows(r);
    var row = el('div', {className: 'row pending', role: 'treeitem', 'aria-busy': 'true'},
        el('div', {className: 'name-cell muted'}, 'loading row ' + (r + 1) + '…'), el('div', {className: 'lane'}));
    row.style.top = (i * ROW_HEIGHT) + 'px';
    return row;
  };

  function childCount(n) {
    return n.childCount !== undefined ? n.childCount : n.children.length;
  }

  TraceView.prototype.row = function (n, i) {
    var s = n.span;
    n.visibleIndex = i;
    var failed = s.status === 'ERROR';
    var row = el('div', {
      className: 'row' + (n === this.selected ? ' selected' : '') + (n.critical ? ' on-critical' : '') + (failed ? ' failed' : ''),
      id: 'span-row-' + n.index, role: 'treeitem', 'aria-level': n.depth + 1,
      'aria-selected': n === this.selected ? 'true' : 'false',
      dataset: {index: String(n.index)}});
    if (childCount(n)) row.setAttribute('aria-expanded', n.collapsed ? 'false' : 'true');
    row.style.top = (i * ROW_HEIGHT) + 'px';

    var name = el('div', {className: 'name-cell'});
    name.style.paddingLeft = (4 + n.depth * 14) + 'px';
    name.appendChild(childCount(n)
        ? el('span', {className: 'toggle', dataset: {toggle: '1'}, title: n.collapsed ? 'Expand' : 'Collapse'}, n.collapsed ? '▸' : '▾')
        : el('span', {className: 'toggle leaf'}, ''));
    name.appendChild(el('span', {className: 'span-name'}, s.name || '(unnamed)'));
    name.appendChild(el('span', {className: 'kind-label'}, s.kind ? s.kind.toLowerCase() : ''));
    if (failed) name.appendChild(el('span', {className: 'error-label'}, '✕ error'));
    if (n.collapsed) name.appendChild(el('span', {className: 'muted'}, ' +' + (subtreeSize(n) - 1)));
    row.appendChild(name);

    var lane = el('div', {className: 'lane'});
    var total = this.model.total;
    var left = (n.start - this.model.t0) / total * 100;
    var width = Math.max((n.end - n.start) / total * 100, 0.2);
    var bar = el('div', {className: 'bar kind-' + String(s.kind || 'step').toLowerCase() + (failed ? ' error' : '') + (n.critical ? ' critical' : '')});
    bar.style.left = percent(left);
    bar.style.width = percent(Math.min(width, 100 - left));
    lane.appendChild(bar);
    for (var e = 0; e < n.events.length && e < 20; e++) {
      var at = (TW.timeMs(n.events[e].time) - this.model.t0) / total * 100;
      var mark = el('span', {className: 'event-mark', title: n.events[e].name});
      mark.style.left = percent(Math.max(0, Math.min(at, 100)));
      lane.appendChild(mark);
    }
    // Said in words only where it tells something: when every span is on the path, the header says so once.
    var everyRow = this.ranged ? this.ranged.allCritical : this.allCritical;
    var label = el('span', {className: 'bar-label'}, (s.endTime ? TW.duration(s.durationMs) : 'running') + (n.critical && !everyRow ? ' · critical' : ''));
    if (left + width > 75) {
      label.classList.add('before');
      label.style.right = percent(100 - left);
    } else {
      label.style.left = percent(left + width);
    }
    lane.appendChild(label);
    row.appendChild(lane);
    return row;
  };

  TraceView.prototype.click = function (e) {
    var rowNode = e.target.closest('.row');
    if (!rowNode) return;
    var n = this.nodeAt(rowNode);
    if (e.target.closest('[data-toggle]')) {
      this.toggle(n);
    }
    this.select(n);
    this.viewport.focus({preventScroll: true});
  };

  TraceView.prototype.nodeAt = function (rowNode) {
    if (!rowNode.dataset.index) return null; // a row still loading
    var index = Number(rowNode.dataset.index);
    return this.ranged ? this.ranged.nodes[index] : this.model.byId[this.data.spans[index].spanId];
  };

  TraceView.prototype.key = function (e) {
    var n = this.selected;
    var i = n ? this.indexOf(n) : -1;
    var lastRow = this.count() - 1;
    var handled = true;
    switch (e.key) {
      case 'ArrowDown': this.selectRow(Math.min(lastRow, i + 1)); break;
      case 'ArrowUp': this.selectRow(Math.max(0, i - 1)); break;
      case 'Home': this.selectRow(0); break;
      case 'End': this.selectRow(lastRow); break;
      case 'PageDown': this.selectRow(Math.min(lastRow, i + 20)); break;
      case 'PageUp': this.selectRow(Math.max(0, i - 20)); break;
      case 'ArrowRight':
        if (n && childCount(n) && n.collapsed) this.toggle(n);
        else if (n && childCount(n)) this.selectRow(i + 1); // the first child is the next row
        break;
      case 'ArrowLeft':
        if (n && childCount(n) && !n.collapsed) this.toggle(n);
        else if (n && n.parent) this.select(n.parent);
        break;
      case 'Enter':
      case ' ':
        if (n) this.toggle(n);
        else this.selectRow(0);
        break;
      default: handled = false;
    }
    if (handled) e.preventDefault();
  };

  /** Selects visible row i; one not loaded yet is scrolled to and selected when its page arrives. */
  TraceView.prototype.selectRow = function (i) {
    if (i < 0) return;
    var n = this.at(i);
    if (n) {
      this.select(n);
      return;
    }
    this.wanted = i;
    this.viewport.scrollTop = Math.max(0, i * ROW_HEIGHT - this.viewport.clientHeight / 2);
    this.render();
  };

  TraceView.prototype.toggle = function (n) {
    if (!n || !childCount(n)) return;
    n.collapsed = !n.collapsed;
    if (this.ranged) {
      this.ranged.hidden = hiddenRanges(this.ranged.nodes);
    } else {
      this.rows = visibleRows(this.model);
    }
    this.resize();
    this.render();
  };

  /** Unfolds every ancestor so n has a row. */
  TraceView.prototype.reveal = function (n) {
    var changed = false;
    for (var p = n.parent; p; p = p.parent) {
      if (p.collapsed) { p.collapsed = false; changed = true; }
    }
    if (changed) {
      if (this.ranged) this.ranged.hidden = hiddenRanges(this.ranged.nodes);
      else this.rows = visibleRows(this.model);
      this.resize();
    }
  };

  TraceView.prototype.select = function (n) {
    if (!n) return;
    this.selected = n;
    var i = this.indexOf(n);
    var top = i * ROW_HEIGHT;
    var view = this.viewport;
    if (top < view.scrollTop) view.scrollTop = top;
    else if (top + ROW_HEIGHT > view.scrollTop + view.clientHeight) view.scrollTop = top + ROW_HEIGHT - view.clientHeight;
    this.render();
    try {
      history.replaceState(null, '', '#' + encodeURIComponent(n.span.spanId)); // a link to this span
    } catch (e) {
      // a page opened from a file may not rewrite its address: the selection still works
    }
    this.inspect(n);
  };

  TraceView.prototype.closeInspector = function () {
    this.inspector.hidden = true;
    this.viewport.focus();
  };

  TraceView.prototype.inspect = function (n) {
    var s = n.span;
    var box = TW.clear(this.inspector);
    box.hidden = false;
    var ticket = ++this.pending;
    var self = this;
    box.appendChild(el('div', {className: 'inspector-head'},
        el('h2', null, s.name || '(unnamed)'),
        el('span', {className: 'inspector-buttons'},
            el('button', {type: 'button', className: 'widen', 'aria-pressed': String(self.root.classList.contains('wide-inspector')),
              title: 'Give the inspector more of the page (the waterfall narrows)', onclick: function (e) {
                e.currentTarget.setAttribute('aria-pressed', String(self.root.classList.toggle('wide-inspector')));
              }}, 'Wide'),
            el('button', {type: 'button', className: 'close', onclick: function () { self.closeInspector(); }}, 'Close (Esc)'))));

    var facts = el('dl', {className: 'facts'});
    function fact(name, value) {
      if (value === null || value === undefined || value === '') return;
      facts.appendChild(el('dt', null, name));
      facts.appendChild(el('dd', null, value));
    }
    fact('Kind', s.kind);
    fact('Status', s.status === 'ERROR' ? 'ERROR ✕' : s.status);
    fact('Starts at', '+' + TW.duration(n.start - this.model.t0));
    fact('Duration', s.endTime ? TW.duration(s.durationMs) : 'running');
    if (n.critical) fact('Critical path', 'yes: the run waited for this span, so making it faster ends the trace sooner');
    fact('Model', s.model ? s.model + (s.provider ? ' (' + s.provider + ')' : '') : null);
    if (s.inputTokens !== null || s.outputTokens !== null) {
      fact('Tokens', TW.tokens(s.inputTokens || 0) + ' in / ' + TW.tokens(s.outputTokens || 0) + ' out');
    }
    if (s.costUsd !== null && s.costUsd !== undefined) fact('Cost', TW.cost(s.costUsd));
    else if (s.costUnknown) fact('Cost', 'unknown');
    fact('Code', s.codeNamespace ? s.codeNamespace + (s.codeFunction ? '.' + s.codeFunction : '') : null);
    fact('Thread', s.thread);
    fact('Capture', s.capturePolicy);
    fact('Span ID', s.spanId);
    box.appendChild(facts);

    if (s.errorType || s.errorMessage) {
      box.appendChild(el('section', {className: 'error-box', role: 'note'},
          el('h3', null, 'Error'),
          el('p', {className: 'error-type'}, s.errorType || ''),
          el('pre', {className: 'content'}, s.errorMessage || '')));
    }
    box.appendChild(this.contentSection('Input', s.inputRef, s.inputPreview, ticket, 'input'));
    box.appendChild(this.contentSection('Output', s.outputRef, s.outputPreview, ticket, 'output'));

    var events = el('section', {className: 'events'}, el('h3', null, 'Events (' + n.events.length + ')'));
    if (n.events.length) {
      var line = el('div', {className: 'event-line', 'aria-hidden': 'true'});
      var length = Math.max(n.end - n.start, 0.001);
      var list = el('ol', {className: 'event-list'});
      n.events.forEach(function (e) {
        var at = TW.timeMs(e.time) - n.start;
        var mark = el('span', {className: 'event-mark', title: e.name});
        mark.style.left = percent(Math.max(0, Math.min(100, at / length * 100)));
        line.appendChild(mark);
        list.appendChild(el('li', null, el('span', {className: 'muted'}, '+' + TW.duration(Math.max(at, 0)) + ' '), e.name,
            e.attributes && Object.keys(e.attributes).length ? el('div', {className: 'json'}, jsonTree(e.attributes, null, 1)) : null));
      });
      events.appendChild(line);
      events.appendChild(list);
    } else {
      events.appendChild(el('p', {className: 'muted'}, 'none'));
    }
    box.appendChild(events);

    var attributes = el('section', {className: 'attributes'}, el('h3', null, 'Attributes'));
    attributes.appendChild(s.attributes && Object.keys(s.attributes).length
        ? el('div', {className: 'json'}, jsonTree(s.attributes, null, 0)) : el('p', {className: 'muted'}, 'none'));
    box.appendChild(attributes);
  };

  /** Input or output: the full content loaded now (from its hash), else the redacted preview. */
  TraceView.prototype.contentSection = function (title, ref, preview, ticket, role) {
    var section = el('section', {className: 'content-section ' + role});
    section.appendChild(el('h3', null, title));
    var body = el('div', {className: 'content-body'});
    section.appendChild(body);
    function showPreview(note) {
      TW.clear(body);
      if (preview === null || preview === undefined) {
        body.appendChild(el('p', {className: 'muted'}, note || 'not captured'));
        return;
      }
      body.appendChild(el('p', {className: 'muted'}, note || 'preview (redacted, possibly shortened)'));
      body.appendChild(contentBlock(preview));
    }
    if (!ref) {
      showPreview(null);
      return section;
    }
    body.appendChild(el('p', {className: 'muted'}, 'loading…'));
    var self = this;
    var loaded = this.loadContent ? this.loadContent(ref) : null;
    if (!loaded) {
      showPreview('preview (the full content is not included here)');
      return section;
    }
    loaded.then(function (c) {
      if (ticket !== self.pending) return;
      if (!c) { showPreview('preview (the full content is not included here)'); return; }
      TW.clear(body);
      if (c.truncated) body.appendChild(el('p', {className: 'notice warn'}, 'Only the beginning is shown: the content is larger than the view holds.'));
      body.appendChild(contentBlock(c.content));
    }, function (error) {
      if (ticket !== self.pending) return;
      showPreview('preview (the full content could not be read: ' + error.message + ')');
    });
    return section;
  };

  TW.TraceView = TraceView;
  TW.traceLayout = layout;
})(window.TW);
