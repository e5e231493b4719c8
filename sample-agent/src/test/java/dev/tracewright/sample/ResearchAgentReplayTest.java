package dev.tracewright.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.replay.Matching;
import dev.tracewright.runtime.replay.MismatchPolicy;
import dev.tracewright.runtime.replay.RecordedTrace;
import dev.tracewright.runtime.replay.Replay;
import dev.tracewright.runtime.replay.ReplayMismatchException;
import dev.tracewright.runtime.replay.UnreplayableTraceException;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay the way a user does it: the sample research agent runs once for real (FULL_LOCAL), the
 * trace is exported with {@code tracewright export --format jsonl --content}, and a new agent runs
 * against the file with no tool, retrieval or model body running.
 */
class ResearchAgentReplayTest {
  @TempDir Path dir;
  private final InMemoryStore replayed = new InMemoryStore();

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  private Path recorded(String question) throws Exception {
    Path file = dir.resolve("run.jsonl");
    TraceFixtures.record(dir, question, file);
    Tracewright.init(TraceConfig.builder().store(replayed).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    return file;
  }

  @Test
  void theReplayedRunGivesTheSameAnswerWithoutRunningAnyToolOrModel() throws Exception {
    Path file = dir.resolve("run.jsonl");
    Object original = TraceFixtures.record(dir, TraceFixtures.LEAP_YEAR, file);
    Tracewright.init(TraceConfig.builder().store(replayed).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    ResearchAgent.Answer answer = assertInstanceOf(ResearchAgent.Answer.class, original);
    assertTrue(answer.text().contains("3.16224E7"), answer.text());

    try (CountedAgent counted = new CountedAgent(); Replay replay = Replay.fromFile(file).matching(Matching.STRICT).open()) {
      assertEquals(answer, counted.agent.research(TraceFixtures.LEAP_YEAR));
      assertEquals(0, counted.bodies(), "no tool, retrieval or model body ran");
    }
    Tracewright.flush();
    SpanRecord root = replayed.span("research");
    assertEquals(RecordedTrace.fromFile(file).traceId(), root.attributes().get(Replay.REPLAY_OF));
    assertEquals(SpanRecord.ERROR, replayed.spans().stream().filter(s -> s.name().equals("quote_service")).findFirst().orElseThrow().status(),
        "the flaky tool's recorded failure was replayed (and retried)");

    // The model calls were answered from the recording: their tokens are the recorded ones, so a
    // diff compares them, but nothing was paid, so `stats` does not count a replay as spending.
    RecordedTrace recording = RecordedTrace.fromFile(file);
    List<SpanRecord> chats = replayed.spans().stream().filter(s -> s.name().equals("chat")).toList();
    assertEquals(recording.spans().stream().filter(s -> s.name().equals("chat")).count(), chats.size());
    assertTrue(recording.spans().stream().filter(s -> s.name().equals("chat")).allMatch(s -> s.costUsd() != null && s.costUsd() > 0),
        "the real run was priced");
    for (SpanRecord chat : chats) {
      assertEquals(true, chat.attributes().get("tracewright.replayed"), chat.toString());
      assertTrue(chat.inputTokens() != null && chat.inputTokens() > 0, chat.toString());
      assertEquals(null, chat.costUsd(), "a replayed call costs nothing: " + chat);
    }
    assertEquals(null, replayed.traces().get(0).costUsd(), "nor does the replayed run");
  }

  @Test
  void aChangedToolArgumentFailsUnderStrictWithAReadableMessage() throws Exception {
    Path file = recorded(TraceFixtures.LEAP_YEAR);
    ChatReply otherPlan = new ChatReply("tides\nmoon", OfflineModel.NAME, 10, 2);
    try (CountedAgent counted = new CountedAgent()) {
      Replay replay = Replay.fromFile(file).matching(Matching.STRICT).override("chat", 1, otherPlan).open();
      Exception e = assertThrows(Exception.class, () -> counted.agent.research(TraceFixtures.LEAP_YEAR));
      ReplayMismatchException mismatch = assertInstanceOf(ReplayMismatchException.class, e.getCause() == null ? e : e.getCause());
      String message = mismatch.getMessage();
      assertTrue(message.contains("TOOL web_search (dev.tracewright.sample.SearchIndex#search) under research"), message);
      assertTrue(message.contains("its arguments differ from recorded span"), message);
      assertTrue(message.matches("(?s).*query: recorded \"[^\"]+\", now \"(tides|moon)\".*"), message);
      assertThrows(ReplayMismatchException.class, replay::close);
      assertEquals(0, counted.bodies());
    }
  }

  @Test
  void liveRunsTheCallsThatDoNotMatch() throws Exception {
    Path file = recorded(TraceFixtures.LEAP_YEAR);
    ChatReply otherPlan = new ChatReply("tides\nmoon", OfflineModel.NAME, 10, 2);
    try (CountedAgent counted = new CountedAgent();
        Replay replay = Replay.fromFile(file).matching(Matching.STRICT).onMismatch(MismatchPolicy.LIVE).override("chat", 1, otherPlan).open()) {
      ResearchAgent.Answer answer = counted.agent.research(TraceFixtures.LEAP_YEAR);
      assertEquals(2, counted.searches.get(), "both changed searches ran for real");
      assertTrue(counted.modelCalls.get() >= 1, "the answer's prompt changed, so the model ran live too");
      assertTrue(answer.sources().stream().anyMatch(s -> !s.isEmpty()));
    }
  }

  @Test
  void anErrorRunReplaysItsError() throws Exception {
    Path file = dir.resolve("error.jsonl");
    Object original = TraceFixtures.record(dir, "What is 42 / 0?", file);
    ArithmeticException failure = assertInstanceOf(ArithmeticException.class, original);
    Tracewright.init(TraceConfig.builder().store(replayed).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    try (CountedAgent counted = new CountedAgent(); Replay replay = Replay.fromFile(file).open()) {
      ArithmeticException again = assertThrows(ArithmeticException.class, () -> counted.agent.research("What is 42 / 0?"));
      assertEquals(failure.getMessage(), again.getMessage());
      assertEquals(0, counted.bodies());
    }
  }

  @Test
  void aFileExportedWithoutContentIsRefusedUpFrontNamingItsSpans() throws Exception {
    Path file = dir.resolve("no-content.jsonl");
    TraceFixtures.record(dir, TraceFixtures.LEAP_YEAR, file, false);
    Tracewright.init(TraceConfig.builder().store(replayed).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    try (CountedAgent counted = new CountedAgent()) {
      UnreplayableTraceException e = assertThrows(UnreplayableTraceException.class, () -> {
        try (Replay opened = Replay.fromFile(file).open()) { // closed if it opens, so no replay outlives the test
          assertEquals(file.toString(), "refused at open()");
        }
      });
      assertTrue(e.getMessage().contains("its output was left out of the export (export with --content)"), e.getMessage());
      String search = RecordedTrace.fromFile(file).spans().stream().filter(s -> s.name().equals("web_search")).findFirst().orElseThrow().spanId();
      assertTrue(e.spanIds().contains(search), "names the tool spans: " + e.spanIds());
      assertEquals(0, counted.bodies(), "refused before the agent ran");
    }
  }

  @Test
  void aSecondRunInsideOneReplaySaysThatAReplayAnswersOneRun() throws Exception {
    Path file = recorded(TraceFixtures.LEAP_YEAR);
    try (CountedAgent counted = new CountedAgent()) {
      Replay replay = Replay.fromFile(file).open();
      counted.agent.research(TraceFixtures.LEAP_YEAR);
      Exception e = assertThrows(Exception.class, () -> counted.agent.research(TraceFixtures.LEAP_YEAR));
      ReplayMismatchException mismatch = assertInstanceOf(ReplayMismatchException.class, e.getCause() == null ? e : e.getCause());
      assertTrue(mismatch.getMessage().contains("this is run 2 inside one replay, which answers the one recorded run: open a new Replay for each run"),
          mismatch.getMessage());
      assertThrows(ReplayMismatchException.class, replay::close);
    }
  }

  @Test
  void aReplayLeftOpenEndsWithTheRuntimeItWasOpenedIn() throws Exception {
    Path file = recorded(TraceFixtures.LEAP_YEAR);
    Replay.fromFile(file).open(); // never closed, as when a test forgets try-with-resources
    Tracewright.shutdown();

    InMemoryStore next = new InMemoryStore();
    Tracewright.init(TraceConfig.builder().store(next).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    Replay.fromFile(file).failOnUnused(false).open().close(); // a replay opened and closed in the new runtime does not bring the old one back
    try (CountedAgent counted = new CountedAgent()) {
      counted.agent.research(TraceFixtures.LEAP_YEAR);
      assertTrue(counted.bodies() > 0, "the next runtime's run is real, not answered by the forgotten replay");
    }
    Tracewright.flush();
    SpanRecord root = next.span("research");
    assertEquals(null, root.attributes().get(Replay.REPLAY_OF), root.toString());
  }
}
