package dev.tracewright.springai.beans;

import dev.tracewright.annotations.Step;

/** A nested traced type: its generated subclass is {@code Greeter_PoliteTraced}. */
public final class Greeter {
  private Greeter() {}

  public static class Polite {
    private final String name;

    public Polite(org.springframework.core.env.Environment environment) {
      this.name = environment.getProperty("greeter.name", "world");
    }

    @Step
    public String greet() {
      return "hello " + name;
    }
  }
}
