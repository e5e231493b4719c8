package dev.tracewright.benchmarks;

import dev.tracewright.annotations.Agent;
import dev.tracewright.annotations.Tool;

/** An agent that calls one tool many times under one parent: what a batch-labelling agent does. */
public class BatchAgent {
  private final Labeler labeler;

  public BatchAgent(Labeler labeler) {
    this.labeler = labeler;
  }

  @Agent
  public int run(int documents, String prefix) {
    int labelled = 0;
    for (int i = 0; i < documents; i++) {
      labelled += labeler.label(prefix + i).length();
    }
    return labelled;
  }

  public static class Labeler {
    @Tool
    public String label(String document) {
      return "label of " + document;
    }
  }
}
