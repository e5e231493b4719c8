package dev.tracewright.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.junit.ReplayTrace;
import dev.tracewright.junit.ReplayedRun;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.replay.RecordedTrace;
import dev.tracewright.runtime.replay.Replay;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An agent test as users write it: offline, deterministic and free, against the committed recording
 * {@code src/test/resources/traces/leap-year.jsonl} (made by {@link TraceFixtures#main}). STRICT and
 * failing on unused recordings, so the fixture must still match what the current code records.
 */
@ReplayTrace("traces/leap-year.jsonl") // STRICT by default
class ReplayTraceExtensionTest {

  @Test
  void theAgentAnswersFromTheRecordingWithoutRunningAToolOrTheModel(InMemoryStore store) throws Exception {
    try (CountedAgent counted = new CountedAgent()) {
      ResearchAgent.Answer answer = counted.agent.research(TraceFixtures.LEAP_YEAR);

      assertTrue(answer.text().startsWith("Based on what I found: 366 * 24 * 3600 = 3.16224E7"), answer.text());
      assertEquals(java.util.List.of("https://en.wikipedia.org/wiki/Leap_year", "https://example.org/time", "docs/calendar.md", "docs/agents.md"),
          answer.sources());
      assertEquals(0, counted.bodies());
    }
    Tracewright.flush();
    SpanRecord root = store.span("research");
    Path fixture = Path.of(getClass().getResource("/traces/leap-year.jsonl").toURI());
    assertEquals(RecordedTrace.fromFile(fixture).traceId(), root.attributes().get(Replay.REPLAY_OF));
  }

  @Test
  void theReplayedRunIsCompleteWhenTheTestAsksAndEqualsTheRecording(ReplayedRun run) throws Exception {
    try (CountedAgent counted = new CountedAgent()) {
      counted.agent.research(TraceFixtures.LEAP_YEAR);
    }
    // No flush here: ReplayedRun waits for the background writer, so this is never a partial run.
    assertEquals(run.recording().spans().size(), run.trace().spans().size());
    assertTrue(run.diff().equal(), () -> run.diff().rows().stream()
        .filter(r -> r.change() != dev.tracewright.runtime.replay.TraceDiff.Change.SAME).map(r -> r.path() + " " + r.change()).toList().toString());
  }
}
