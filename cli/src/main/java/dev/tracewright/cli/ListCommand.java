package dev.tracewright.cli;

import dev.tracewright.runtime.store.TraceLabels;
import dev.tracewright.runtime.store.TraceRecord;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Recent traces, newest first.")
final class ListCommand implements Callable<Integer> {
  @Mixin DbOption db;
  @Mixin PricingOption pricing;
  @Spec CommandSpec spec;

  @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "At most N traces (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--errors", description = "Only traces in which any span failed, also when the agent recovered and its run ended OK.")
  boolean errors;

  @Option(names = "--failed", description = "Only failed runs: the root span ended in an error.")
  boolean failed;

  @Option(names = "--incomplete", description = "Only traces whose root has not ended: still running, or the agent stopped.")
  boolean incomplete;

  @Option(names = "--name", paramLabel = "TEXT", description = "Only traces whose name (the root span's) contains TEXT, ignoring case.")
  String name;

  @Option(names = "--text", paramLabel = "PHRASE",
      description = "Only traces whose stored content (an input, an output or an error message, as recorded and redacted) contains PHRASE, ignoring case.")
  String text;

  @Option(names = "--model", paramLabel = "MODEL", description = "Only traces with a call to this model.")
  String model;

  @Option(names = "--tag", paramLabel = "TAG", description = "Only traces with this tag (Tracewright.tag).")
  String tag;

  @Option(names = "--session", paramLabel = "ID", description = "Only traces of this session (Tracewright.session, else the conversation ID).")
  String session;

  @Option(names = "--user", paramLabel = "ID", description = "Only traces of this user (Tracewright.user).")
  String user;

  @Option(names = "--since", paramLabel = "WHEN", converter = SinceConverter.class, description = "Only traces started since: 30m, 2h, 7d, 2026-11-23, 2026-11-23T10:00.")
  Instant since;

  @Option(names = "--sort", paramLabel = "ORDER", defaultValue = "newest", converter = SortConverter.class,
      description = "newest (default), oldest, or the largest first of: duration, cost, tokens, spans (ties newest first; running traces last).")
  TraceQuery.Sort sort;

  /** Lower-case names on the command line, as in the API. */
  static final class SortConverter implements picocli.CommandLine.ITypeConverter<TraceQuery.Sort> {
    @Override
    public TraceQuery.Sort convert(String value) {
      try {
        return TraceQuery.Sort.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException("expected newest, oldest, duration, cost, tokens or spans, not '" + TerminalText.escape(value) + "'");
      }
    }
  }

  @Override
  public Integer call() throws SQLException {
    if (limit < 1 || limit > TraceQuery.MAX_LIMIT) {
      throw new CliException("--limit must be between 1 and " + TraceQuery.MAX_LIMIT + ", not " + limit);
    }
    if ((errors ? 1 : 0) + (failed ? 1 : 0) + (incomplete ? 1 : 0) > 1) {
      throw new CliException("--errors, --failed and --incomplete are alternatives: give one");
    }
    TraceQuery.Status status = failed ? TraceQuery.Status.FAILED
        : errors ? TraceQuery.Status.ANY_ERROR
        : incomplete ? TraceQuery.Status.INCOMPLETE
        : TraceQuery.Status.ALL;
    TraceQuery query = new TraceQuery(limit, null, null, since, null, name, status, model, null, sort, text, tag, session, user);
    PrintWriter out = spec.commandLine().getOut();
    try (TraceDb traces = pricing.apply(db.open())) {
      List<TraceRecord> found = traces.traces(query);
      if (found.isEmpty()) {
        boolean filtered = status != TraceQuery.Status.ALL || since != null || name != null || model != null || text != null || query.byLabel();
        out.println("no traces" + (filtered ? " match" : "") + " in " + traces.dataFile());
        return 0;
      }
      Map<String, TraceLabels> labels = traces.labels(found.stream().map(TraceRecord::traceId).toList());
      // Columns for sessions and tags only when a trace shown has one: most lists have neither.
      boolean sessions = labels.values().stream().anyMatch(l -> l.sessionId() != null || l.userId() != null);
      boolean tagged = labels.values().stream().anyMatch(l -> !l.tags().isEmpty());
      List<String> headers = new ArrayList<>(List.of("TRACE", "NAME", "START", "DURATION", "SPANS", "TOKENS", "COST", "STATUS"));
      if (sessions) {
        headers.addAll(List.of("SESSION", "USER"));
      }
      if (tagged) {
        headers.add("TAGS");
      }
      Table table = new Table(headers.toArray(String[]::new)).alignRight(3, 4, 5, 6);
      for (TraceRecord t : found) {
        List<String> row = new ArrayList<>();
        row.add(t.traceId().substring(0, 16)); // the time-ordered half: unique, and enough for show
        row.add(TraceRenderer.oneLine(t.name(), 40));
        row.add(Format.time(t.startTime()));
        row.add(Format.duration(t.durationMs()));
        row.add(String.valueOf(t.spanCount()));
        row.add(Format.tokens(t.inputTokens() + t.outputTokens()));
        row.add(Format.cost(t.costUsd(), t.unpricedCalls()));
        row.add(t.status().equals("OK") && t.errorCount() > 0 ? "OK (" + t.errorCount() + " err)" : t.status());
        TraceLabels l = labels.getOrDefault(t.traceId(), TraceLabels.NONE);
        if (sessions) {
          row.add(l.sessionId() == null ? "-" : TraceRenderer.oneLine(l.sessionId(), 24));
          row.add(l.userId() == null ? "-" : TraceRenderer.oneLine(l.userId(), 16));
        }
        if (tagged) {
          row.add(TraceRenderer.oneLine(String.join(",", l.tags()), 40));
        }
        table.row(row);
      }
      out.print(table);
      return 0;
    }
  }
}
