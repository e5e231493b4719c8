package dev.tracewright.benchmarks;

import dev.tracewright.runtime.capture.PatternRedactor;
import dev.tracewright.runtime.capture.Redactor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 8 bar 5: the redactor (it runs on the writer thread) on a typical 4 KB prompt and on 1 MB
 * inputs built to make naive regexes backtrack, per rule set.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RedactionBenchmark {
  @Param({"prompt4k", "emails1m", "digits1m", "pem1m", "keyValue1m", "jsonEscapes1m", "prose1m"})
  public String input;

  @Param({"defaults", "defaultsPlusUserRule"})
  public String rules;

  private Redactor redactor;
  private String text;

  @Setup(Level.Trial)
  public void setUp() {
    redactor = rules.equals("defaults")
        ? Redactor.defaults()
        : PatternRedactor.builder().withDefaults().rule("employee_id", "\\bEMP-\\d{6}\\b").build();
    text = switch (input) {
      case "prompt4k" -> prompt4k();
      case "emails1m" -> "a@".repeat(512 * 1024);
      case "digits1m" -> "4111 ".repeat(200 * 1024);
      case "pem1m" -> "-----BEGIN RSA PRIVATE KEY-----".repeat(32 * 1024);
      case "keyValue1m" -> "password=".repeat(110 * 1024);
      case "jsonEscapes1m" -> "{\"api_key\":\"" + "\\\\".repeat(512 * 1024);
      case "prose1m" -> "The quick brown fox jumps over the lazy dog; ".repeat(23 * 1024);
      default -> throw new IllegalArgumentException(input);
    };
  }

  /** A chat request as an agent sends it: system prompt, history, retrieved context, one secret. */
  static String prompt4k() {
    StringBuilder sb = new StringBuilder("{\"model\":\"gpt-4o\",\"temperature\":0.2,\"messages\":[");
    sb.append("{\"role\":\"system\",\"content\":\"You are a research assistant. Cite sources. Be brief.\"},");
    for (int i = 0; sb.length() < 3_600; i++) {
      sb.append("{\"role\":\"user\",\"content\":\"Question ").append(i)
          .append(": why is the sky blue at noon but red at sunset? Context: Rayleigh scattering grows with the inverse fourth power of wavelength.\"},");
    }
    sb.append("{\"role\":\"user\",\"content\":\"my email is alice@example.com and key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z\"}]}");
    return sb.toString();
  }

  @Benchmark
  public String redact() {
    return redactor.redact(text);
  }
}
