package dev.tracewright.runtime.export;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which version of the OpenTelemetry GenAI semantic conventions an export speaks. The GenAI
 * conventions are still in development and renamed attributes after v1.36.0; OpenTelemetry asks
 * instrumentations to keep emitting the version they emitted (v1.36.0) unless the user opts in with
 * {@code OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental}.
 */
public enum GenAiConventions {
  /**
   * v1.36.0: {@code gen_ai.system}; tokens as input and output only; content as OpenInference's
   * {@code input.value}/{@code output.value}.
   */
  V1_36,
  /**
   * The newest names Tracewright knows (the GenAI registry as of 2026-12): {@code
   * gen_ai.provider.name}, cache read and cache creation tokens, and, for content that may leave
   * the machine, {@code gen_ai.input.messages} / {@code gen_ai.output.messages} with the system
   * messages apart in {@code gen_ai.system_instructions}, and tool call arguments and results.
   */
  LATEST;

  /** The environment variable and its value that select {@link #LATEST}. */
  public static final String OPT_IN_ENV = "OTEL_SEMCONV_STABILITY_OPT_IN";
  /** The Java system property form of {@link #OPT_IN_ENV}, as the OpenTelemetry Java agent reads it. */
  public static final String OPT_IN_PROPERTY = "otel.semconv-stability.opt-in";
  public static final String LATEST_OPT_IN = "gen_ai_latest_experimental";

  /** What the system property, else the environment variable, selects; {@link #V1_36} if neither opts in. */
  public static GenAiConventions configured() {
    String value = System.getProperty(OPT_IN_PROPERTY);
    return fromOptIn(value != null ? value : System.getenv(OPT_IN_ENV));
  }

  /** A comma-separated opt-in list: {@link #LATEST} if it names {@value #LATEST_OPT_IN}. */
  public static GenAiConventions fromOptIn(String list) {
    if (list == null) {
      return V1_36;
    }
    return Arrays.stream(list.split(",")).map(s -> s.strip().toLowerCase(Locale.ROOT)).anyMatch(LATEST_OPT_IN::equals) ? LATEST : V1_36;
  }
}
