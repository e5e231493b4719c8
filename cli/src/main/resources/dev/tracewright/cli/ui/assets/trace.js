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
    TW.say('');
    document.title = (data.trace.name || 'trace') + ' · Tracewright';
    new TW.TraceView(root, data, function (hash) {
      return TW.api('/api/content/' + encodeURIComponent(hash));
    });
  }, function (error) {
    TW.say(error.message, true);
  });
})(window.TW);
