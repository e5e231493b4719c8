/* The trace page: /trace?id=… or /trace/{id}, data from /api/traces/{id}, content on demand. */
'use strict';
(function (TW) {
  var root = document.getElementById('trace');
  var match = /^\/trace\/([0-9A-Fa-f]+)$/.exec(location.pathname);
  var id = new URLSearchParams(location.search).get('id') || (match ? match[1] : null);
  if (!id) {
    TW.say('Which trace? Open one from the list, or give /trace?id=<trace ID>.', true);
    return;
  }
  TW.say('Loading trace ' + id + '…');
  var POLL_MS = 2000;
  var RUNNING = 'This trace is still running: its spans appear here as they end.';
  var url = '/api/traces/' + encodeURIComponent(id);
  var view = null;

  function loadContent(hash) {
    return TW.api('/api/content/' + encodeURIComponent(hash));
  }

  function changed(before, after) {
    return before.spans.length !== after.spans.length || before.events.length !== after.events.length ||
        before.trace.status !== after.trace.status || before.trace.running !== after.trace.running;
  }

  /** While the trace runs, asks again every 2 s and redraws (keeping folds, scroll and selection) when it grew. */
  function watch(shown) {
    setTimeout(function () {
      TW.api(url).then(function (data) {
        if (changed(shown, data)) {
          var state = view.state();
          view.destroy();
          view = new TW.TraceView(root, data, loadContent, state);
        }
        TW.say(data.trace.running ? RUNNING : '');
        if (data.trace.running) watch(data);
      }, function (error) {
        TW.say('Not updating: ' + error.message, true);
        watch(shown);
      });
    }, POLL_MS);
  }

  TW.api(url).then(function (data) {
    TW.say(data.trace.running ? RUNNING : '');
    document.title = (data.trace.name || 'trace') + ' · Tracewright';
    var started = performance.now();
    view = new TW.TraceView(root, data, loadContent);
    // Layout and first paint of the rows, as a named measure in the browser's performance timeline.
    performance.measure('tracewright render', {start: started, end: performance.now()});
    if (data.trace.running) watch(data);
  }, function (error) {
    TW.say(error.message, true);
  });
})(window.TW);
