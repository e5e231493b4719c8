package dev.tracewright.springai.beans;

import dev.tracewright.annotations.Agent;
import dev.tracewright.annotations.Tool;

/** A traced bean whose agent method calls its own tool method: the self-call a Spring AOP proxy misses. */
public class Itinerary {
  @Agent
  public String summary(String city) {
    return "Pack for " + forecast(city);
  }

  @Tool
  public String forecast(String city) {
    return "rain in " + city;
  }
}
