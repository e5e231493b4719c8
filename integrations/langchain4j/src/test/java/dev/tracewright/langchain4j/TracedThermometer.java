package dev.tracewright.langchain4j;

import dev.langchain4j.agent.tool.P;

/** {@link Thermometer}, traced by Tracewright: the model calls it on a {@code TracedThermometerTraced}. */
public class TracedThermometer {
  @dev.langchain4j.agent.tool.Tool("The temperature in a city, in Celsius")
  @dev.tracewright.annotations.Tool
  public double getWeather(@P(name = "city", description = "the city") String city) {
    return 24.5;
  }
}
