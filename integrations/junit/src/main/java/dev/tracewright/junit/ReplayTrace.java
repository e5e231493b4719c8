package dev.tracewright.junit;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.replay.Matching;
import dev.tracewright.runtime.replay.MismatchPolicy;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Runs the test against a recorded trace: Tracewright records into a fresh in-memory store for the
 * test, and a {@code Replay} of the file is open around the test method, so traced tools, model
 * calls and retrievals return what they returned when the trace was recorded. The test fails on a
 * mismatch and, unless {@link #failOnUnused()} is false, on recordings it never called. A test
 * method may take a {@link ReplayedRun} parameter to assert on what it ran.
 *
 * <p>On a method or a class (a method's own annotation wins).
 *
 * <p>Tracewright's runtime is one per JVM, so under JUnit's parallel execution these tests hold the
 * {@link #RUNTIME} resource lock and take turns; mark other tests that initialise Tracewright with
 * {@code @ResourceLock(ReplayTrace.RUNTIME)} to keep them out of the way too.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(ReplayTraceExtension.class)
@ResourceLock(ReplayTrace.RUNTIME)
public @interface ReplayTrace {
  /** The resource lock of Tracewright's one runtime per JVM (JUnit's parallel execution). */
  String RUNTIME = "dev.tracewright.runtime.Tracewright";

  /**
   * The JSONL file written by {@code tracewright export --format jsonl --content}: a class-path
   * resource (from the root of the test resources, e.g. {@code "traces/research.jsonl"} for
   * {@code src/test/resources/traces/research.jsonl}), else a file relative to the working directory.
   */
  String value();

  /** The trace in the file, by ID or prefix; empty when the file holds one trace. */
  String traceId() default "";

  /**
   * STRICT by default (as {@code Replay}'s): a test should fail when the agent now calls a
   * tool or the model with other arguments. Use ORDERED when arguments hold timestamps or random IDs.
   */
  Matching matching() default Matching.STRICT;

  MismatchPolicy onMismatch() default MismatchPolicy.FAIL;

  /** The kinds answered from the recording; the others run for real. */
  SpanKind[] kinds() default {SpanKind.TOOL, SpanKind.LLM, SpanKind.RETRIEVAL};

  /** Whether recordings the test never called fail it (under {@link MismatchPolicy#FAIL}). */
  boolean failOnUnused() default true;
}
