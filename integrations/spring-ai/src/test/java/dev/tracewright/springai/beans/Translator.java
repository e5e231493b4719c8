package dev.tracewright.springai.beans;

import dev.tracewright.annotations.Tool;

/** A traced interface: its generated {@code TranslatorTraced} wraps any implementation. */
public interface Translator {
  @Tool
  String translate(String text);
}
