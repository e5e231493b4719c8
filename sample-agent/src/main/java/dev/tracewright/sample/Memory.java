package dev.tracewright.sample;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.annotations.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the agent remembers between runs: memory reads and writes are MEMORY spans. */
public class Memory {
  private final List<String> notes = new ArrayList<>();

  @Step(name = "memory.recall", kind = SpanKind.MEMORY)
  public synchronized List<String> recall(String topic) {
    String t = topic.toLowerCase(Locale.ROOT);
    return notes.stream().filter(n -> List.of(t.split("\\W+")).stream().anyMatch(w -> w.length() > 3 && n.toLowerCase(Locale.ROOT).contains(w))).toList();
  }

  @Step(name = "memory.remember", kind = SpanKind.MEMORY)
  public synchronized void remember(String note) {
    notes.add(note);
  }

  synchronized List<String> all() {
    return new ArrayList<>(notes);
  }
}
