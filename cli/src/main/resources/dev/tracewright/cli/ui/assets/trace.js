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
  TW.api('/api/traces/' + encodeURIComponent(id)).then(function (data) {
    TW.say(data.trace.running ? 'This trace is still running: reload the page to see the spans recorded since.' : '');
    document.title = (data.trace.name || 'trace') + ' · Tracewright';
    var started = performance.now();
    new TW.TraceView(root, data, function (hash) {
      return TW.api('/api/content/' + encodeURIComponent(hash));
    });
    // Layout and first paint of the rows, as a named measure in the browser's performance timeline.
    performance.measure('tracewright render', {start: started, end: performance.now()});
  }, function (error) {
    TW.say(error.message, true);
  });
})(window.TW);
