package dev.tracewright.sample;

import dev.tracewright.annotations.Tool;
import java.util.concurrent.atomic.AtomicInteger;

/** The sample's tools, counting how often a body really ran (a replay must run none). */
public class CountingTools extends Tools {
  final AtomicInteger bodies = new AtomicInteger();

  @Override
  @Tool(description = "Evaluates an arithmetic expression with + - * / and parentheses")
  public double calculate(String expression) {
    bodies.incrementAndGet();
    return super.calculate(expression);
  }

  @Override
  @Tool(name = "read_file", description = "Reads one of the agent's documents")
  public String readFile(String path) {
    bodies.incrementAndGet();
    return super.readFile(path);
  }

  @Override
  @Tool(name = "quote_service", description = "A quote about the topic, from a flaky service")
  public String quote(String topic) {
    bodies.incrementAndGet();
    return super.quote(topic);
  }
}
