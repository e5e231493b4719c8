package dev.tracewright.sample;

import dev.tracewright.annotations.Tool;
import java.util.concurrent.atomic.AtomicInteger;

/** The agent's tools. Annotated per method; the processor generates {@code ToolsTraced}. */
public class Tools {
  private final AtomicInteger quoteCalls = new AtomicInteger();

  @Tool(description = "Evaluates an arithmetic expression with + - * / and parentheses")
  public double calculate(String expression) {
    return new Arithmetic(expression).evaluate();
  }

  @Tool(name = "read_file", description = "Reads one of the agent's documents")
  public String readFile(String path) {
    if (!DocumentStore.FILES.contains(path)) {
      throw new IllegalArgumentException("no such document: " + path);
    }
    String text = DocumentStore.read(path);
    return text.length() > 300 ? text.substring(0, 300) : text;
  }

  /** A flaky service: every other call times out, so the agent has to retry. */
  @Tool(name = "quote_service", description = "A quote about the topic, from a flaky service")
  public String quote(String topic) {
    if (quoteCalls.incrementAndGet() % 2 == 1) {
      throw new IllegalStateException("quote service timed out after 2s");
    }
    return "\"The important thing is not to stop questioning.\" (about " + topic + ")";
  }

  /** A tiny recursive-descent evaluator, so the calculator needs no scripting engine. */
  static final class Arithmetic {
    private final String text;
    private int pos;

    Arithmetic(String text) {
      this.text = text.replace(" ", "");
    }

    double evaluate() {
      double value = sum();
      if (pos != text.length()) {
        throw new IllegalArgumentException("unexpected '" + text.charAt(pos) + "' in " + text);
      }
      return value;
    }

    private double sum() {
      double value = product();
      while (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        value = text.charAt(pos++) == '+' ? value + product() : value - product();
      }
      return value;
    }

    private double product() {
      double value = factor();
      while (pos < text.length() && (text.charAt(pos) == '*' || text.charAt(pos) == '/')) {
        char op = text.charAt(pos++);
        double right = factor();
        if (op == '/' && right == 0) {
          throw new ArithmeticException("division by zero in " + text);
        }
        value = op == '*' ? value * right : value / right;
      }
      return value;
    }

    private double factor() {
      if (pos < text.length() && text.charAt(pos) == '(') {
        pos++;
        double value = sum();
        pos++; // ')'
        return value;
      }
      int start = pos;
      while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
        pos++;
      }
      if (start == pos) {
        throw new IllegalArgumentException("expected a number at " + start + " in " + text);
      }
      return Double.parseDouble(text.substring(start, pos));
    }
  }
}
