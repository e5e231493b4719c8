package dev.tracewright.springai.beans;

import dev.tracewright.annotations.Step;

/** Traced, but built by a {@code @Bean} method as {@code new Packer()}: Spring cannot make it traced. */
public class Packer {
  @Step
  public String pack(String item) {
    return "packed " + item;
  }
}
