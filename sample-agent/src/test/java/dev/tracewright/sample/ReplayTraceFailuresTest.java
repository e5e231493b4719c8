package dev.tracewright.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.junit.ReplayTrace;
import dev.tracewright.runtime.replay.Matching;
import dev.tracewright.runtime.replay.ReplayMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * {@code @ReplayTrace} fails the test when the agent leaves the recording: the classes below are
 * real tests run through the JUnit launcher (surefire skips nested classes), and their outcome is
 * checked here.
 */
class ReplayTraceFailuresTest {

  @ReplayTrace("traces/leap-year.jsonl")
  static class CallsNothing {
    @Test
    void agentNeverRuns() {}
  }

  @ReplayTrace(value = "traces/leap-year.jsonl", failOnUnused = false)
  static class CallsNothingAndAllowsIt {
    @Test
    void agentNeverRuns() {}
  }

  @ReplayTrace(value = "traces/leap-year.jsonl", matching = Matching.STRICT)
  static class AsksAnotherQuestion {
    @Test
    void agentRuns() throws Exception {
      try (CountedAgent counted = new CountedAgent()) {
        counted.agent.research("How many seconds are in a common year: 365 * 24 * 3600?");
      }
    }
  }

  @ReplayTrace("traces/leap-year.jsonl")
  static class AsksAnotherQuestionWithTheDefaults {
    @Test
    void agentRuns() throws Exception {
      try (CountedAgent counted = new CountedAgent()) {
        counted.agent.research("How many seconds are in a common year: 365 * 24 * 3600?");
      }
    }
  }

  private static TestExecutionSummary run(Class<?> testClass) {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(DiscoverySelectors.selectClass(testClass)).build(), listener);
    return listener.getSummary();
  }

  @Test
  void unusedRecordingsFailTheTest() {
    TestExecutionSummary summary = run(CallsNothing.class);
    assertEquals(1, summary.getTestsFailedCount());
    Throwable failure = summary.getFailures().get(0).getException();
    assertInstanceOf(ReplayMismatchException.class, failure);
    assertTrue(failure.getMessage().contains("(LLM chat, dev.tracewright.sample.ChatModel#chat, under research/plan) was never called"), failure.getMessage());
  }

  @Test
  void unusedRecordingsCanBeAllowed() {
    TestExecutionSummary summary = run(CallsNothingAndAllowsIt.class);
    assertEquals(1, summary.getTestsSucceededCount());
    assertEquals(0, summary.getTestsFailedCount());
  }

  @Test
  void aMismatchFailsTheTestNamingTheCall() {
    TestExecutionSummary summary = run(AsksAnotherQuestion.class);
    assertEquals(1, summary.getTestsFailedCount());
    Throwable failure = summary.getFailures().get(0).getException();
    assertInstanceOf(ReplayMismatchException.class, failure);
    assertTrue(failure.getMessage().contains("call 1 of LLM chat (dev.tracewright.sample.ChatModel#chat) under research/plan"), failure.getMessage());
    assertTrue(failure.getMessage().contains("common year"), failure.getMessage());
  }

  @Test
  void byDefaultAChangedArgumentFailsTheTest() {
    TestExecutionSummary summary = run(AsksAnotherQuestionWithTheDefaults.class);
    assertEquals(1, summary.getTestsFailedCount(), "STRICT is @ReplayTrace's default: other arguments are a mismatch");
    Throwable failure = summary.getFailures().get(0).getException();
    assertInstanceOf(ReplayMismatchException.class, failure);
    assertTrue(failure.getMessage().contains("its arguments differ"), failure.getMessage());
  }
}
