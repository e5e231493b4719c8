package dev.tracewright.benchmarks;

import dev.tracewright.annotations.Tool;

/** The measured method: as cheap as possible, so what is measured is the tracing around it. */
public class Calculator {
  @Tool
  public long add(long a, long b) {
    return a + b;
  }

  public record Order(String id, String customer, int quantity, double price) {}

  public record Quote(String orderId, double total, String currency) {}

  @Tool
  public Quote quote(Order order) {
    return new Quote(order.id(), order.quantity() * order.price(), "EUR");
  }
}
