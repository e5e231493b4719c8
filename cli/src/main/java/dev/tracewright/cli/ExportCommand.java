package dev.tracewright.cli;

import dev.tracewright.runtime.export.ExportBatch;
import dev.tracewright.runtime.export.GenAiConventions;
import dev.tracewright.runtime.export.JsonlFormat;
import dev.tracewright.runtime.export.OtlpJson;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {"Traces as OTLP JSON (an ExportTraceServiceRequest) or JSONL (one span per line).",
        "Input and output content is included only for spans captured FULL_EXPORTABLE,",
        "unless --content (JSONL only) asks for all stored content."})
final class ExportCommand implements Callable<Integer> {
  enum Format { otlp, jsonl }

  @Mixin DbOption db;
  @Mixin PricingOption pricing;
  @Spec CommandSpec spec;

  @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "otlp or jsonl.")
  Format format;

  static final class Selection {
    @Option(names = "--trace", paramLabel = "ID", description = "One trace (ID or unique prefix).")
    String trace;

    @Option(names = "--since", paramLabel = "WHEN", converter = SinceConverter.class, description = "Traces started since: 30m, 2h, 7d, 2026-11-23.")
    Instant since;
  }

  @ArgGroup(exclusive = true)
  Selection selection = new Selection();

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output (a new file, unless --force).")
  Path output;

  @Option(
      names = "--content",
      description = {"JSONL only: also write the content of FULL_LOCAL spans (and the preview of REDACTED_PREVIEW spans),"
          + " as stored: redacted at capture. The file then holds prompts and outputs; keep it where you keep the database.",
          "This is the file replay and diff read (tracewright diff, Replay.fromFile, @ReplayTrace)."})
  boolean content;

  @Option(names = "--force", description = "Replace FILE if it exists (never an H2 database file).")
  boolean force;

  @Option(
      names = "--semconv",
      paramLabel = "VERSION",
      description = {"OTLP only: GenAI semantic conventions to name attributes in: V1_36 (gen_ai.system, the default)"
          + " or LATEST (gen_ai.provider.name, cache tokens, gen_ai.input/output.messages, gen_ai.system_instructions).",
          "Default: LATEST when OTEL_SEMCONV_STABILITY_OPT_IN lists gen_ai_latest_experimental, else V1_36."})
  GenAiConventions conventions = GenAiConventions.configured();

  /** Every trace since {@code --since}, newest first, a page at a time. */
  private List<TraceRecord> all(TraceDb traces) throws SQLException {
    List<TraceRecord> out = new ArrayList<>();
    TraceQuery page = TraceQuery.recent(TraceQuery.MAX_LIMIT).since(selection.since);
    List<TraceRecord> found;
    while (!(found = traces.traces(page)).isEmpty()) {
      out.addAll(found);
      page = page.after(found.get(found.size() - 1));
    }
    return out;
  }

  @Override
  public Integer call() throws SQLException, IOException {
    if (content && format != Format.jsonl) {
      throw new CliException("--content is for --format jsonl (OTLP exports carry FULL_EXPORTABLE content only)");
    }
    if (output != null) {
      checkedTarget();
    }
    try (TraceDb traces = pricing.apply(db.open())) {
      List<TraceRecord> chosen = selection.trace != null ? List.of(traces.trace(selection.trace)) : all(traces);
      Map<String, List<SpanRecord>> byService = new LinkedHashMap<>();
      Map<String, List<EventRecord>> events = new LinkedHashMap<>();
      for (TraceRecord t : chosen) {
        byService.computeIfAbsent(t.serviceName() == null ? "unknown_service" : t.serviceName(), k -> new ArrayList<>())
            .addAll(traces.spans(t.traceId()));
        events.putAll(traces.events(t.traceId()));
      }
      List<ExportBatch> batches = new ArrayList<>();
      byService.forEach((service, spans) -> batches.add(new ExportBatch(service, Map.of(), spans, events, hash -> blob(traces, hash), conventions)));
      if (output == null) {
        write(spec.commandLine().getOut(), batches);
      } else {
        writeFile(batches);
      }
      return 0;
    }
  }

  private void write(Writer out, List<ExportBatch> batches) throws IOException {
    if (format == Format.otlp) {
      out.write(OtlpJson.request(batches).toString());
      out.write('\n');
    } else {
      for (ExportBatch b : batches) {
        for (SpanRecord s : b.spans()) {
          out.write(JsonlFormat.line(s, b.eventsBySpan().getOrDefault(s.spanId(), List.of()), b, content));
          out.write('\n');
        }
      }
    }
    out.flush();
  }

  /** Where -o points, if it may be written: checked before anything is read. */
  private Path checkedTarget() {
    return OutputFile.checked(output, db.db, force, "export");
  }

  private void writeFile(List<ExportBatch> batches) {
    Path target = checkedTarget();
    OutputFile.write(target, out -> write(out, batches));
    spec.commandLine().getOut().println("wrote " + batches.stream().mapToInt(b -> b.spans().size()).sum() + " spans to " + target);
  }

  private static String blob(TraceDb traces, String hash) {
    try {
      return traces.blob(hash);
    } catch (SQLException e) {
      throw new CliException("cannot read captured content: " + TraceDb.firstLine(e.getMessage()));
    }
  }
}
