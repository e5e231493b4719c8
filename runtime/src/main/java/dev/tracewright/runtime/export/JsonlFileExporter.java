package dev.tracewright.runtime.export;

import dev.tracewright.runtime.store.SpanRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Appends every exported span to a JSONL file, one line each (see {@link JsonlFormat}). */
public final class JsonlFileExporter implements SpanExporter {
  private final Path file;

  public JsonlFileExporter(Path file) {
    this.file = file.toAbsolutePath();
  }

  @Override
  public void export(ExportBatch batch) throws IOException {
    Path dir = file.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (SpanRecord s : batch.spans()) {
        out.write(JsonlFormat.line(s, batch.eventsBySpan().getOrDefault(s.spanId(), List.of()), batch));
        out.newLine();
      }
    }
  }

  @Override
  public String toString() {
    return "JsonlFileExporter[" + file + "]";
  }
}
