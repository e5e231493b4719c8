/* The report: the trace view over the data inlined in the file; no server, no fetch. */
'use strict';
(function (TW) {
  var data = JSON.parse(document.getElementById('tw-data').textContent);
  var content = data.content || {};
  var about = data.report || {};
  document.title = (data.trace.name || 'trace') + ' · Tracewright report';
  document.getElementById('about').textContent = 'report of trace ' + data.trace.traceId + ', written ' + TW.time(about.written) +
      '; content: ' + about.content + (about.contentLeftOut ? '; ' + about.contentLeftOut + ' left out (size limit): their previews are shown' : '');
  new TW.TraceView(document.getElementById('trace'), data, function (hash) {
    return content[hash] ? Promise.resolve(content[hash]) : null;
  });
})(window.TW);
