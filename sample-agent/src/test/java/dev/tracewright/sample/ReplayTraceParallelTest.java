package dev.tracewright.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracewright.junit.ReplayTrace;
import dev.tracewright.junit.ReplayedRun;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * A project that runs its tests in parallel (JUnit's {@code junit.jupiter.execution.parallel.*}):
 * Tracewright's runtime is one per JVM, so {@code @ReplayTrace} tests take turns with it instead of
 * re-initialising it under each other.
 */
class ReplayTraceParallelTest {

  @ReplayTrace("traces/leap-year.jsonl")
  static class ManyReplays {
    private static void replayOnce(ReplayedRun run) throws Exception {
      try (CountedAgent counted = new CountedAgent()) {
        counted.agent.research(TraceFixtures.LEAP_YEAR);
        assertEquals(0, counted.bodies(), "nothing ran for real");
      }
      assertEquals(run.recording().spans().size(), run.trace().spans().size(), "this test's store holds its own run, whole");
      assertEquals(true, run.diff().equal(), () -> run.diff().toString());
    }

    @Test void first(ReplayedRun run) throws Exception { replayOnce(run); }
    @Test void second(ReplayedRun run) throws Exception { replayOnce(run); }
    @Test void third(ReplayedRun run) throws Exception { replayOnce(run); }
    @Test void fourth(ReplayedRun run) throws Exception { replayOnce(run); }
    @Test void fifth(ReplayedRun run) throws Exception { replayOnce(run); }
    @Test void sixth(ReplayedRun run) throws Exception { replayOnce(run); }
  }

  @Test
  void replayTestsRunInParallelEachPass() {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(
        LauncherDiscoveryRequestBuilder.request()
            .selectors(DiscoverySelectors.selectClass(ManyReplays.class))
            .configurationParameters(Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"))
            .build(),
        listener);
    TestExecutionSummary summary = listener.getSummary();
    assertEquals(0, summary.getTestsFailedCount(),
        () -> summary.getFailures().stream().map(f -> f.getTestIdentifier().getDisplayName() + ": " + f.getException()).collect(Collectors.joining("\n")));
    assertEquals(6, summary.getTestsSucceededCount());
  }
}
