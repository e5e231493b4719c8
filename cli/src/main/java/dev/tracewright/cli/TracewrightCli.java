package dev.tracewright.cli;

import dev.tracewright.runtime.store.LoopbackOnly;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tracewright}: look at what an agent did. Every user mistake (a bad flag, a missing or
 * corrupt database, an unknown trace) is one line on stderr and exit code 2; never a stack trace.
 */
@Command(
    name = "tracewright",
    mixinStandardHelpOptions = true,
    versionProvider = TracewrightCli.Version.class,
    description = "Inspect traces recorded by Tracewright in its H2 database.",
    subcommands = {ListCommand.class, ShowCommand.class, StatsCommand.class, ConsoleCommand.class, UiCommand.class, ReportCommand.class, ExportCommand.class, DiffCommand.class,
        PruneCommand.class, ServerCommand.class, KeysCommand.class,
        CommandLine.HelpCommand.class})
public final class TracewrightCli implements Runnable {
  public static final int USAGE_ERROR = 2;

  /** A bug in Tracewright, not in the input; distinct from diff's 1 ("the traces differ"). */
  public static final int INTERNAL_ERROR = 3;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: list, show, stats, console, ui, report, export, diff or prune");
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line with these streams; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    LoopbackOnly.ensure(); // before any H2 class loads: its sockets must bind to 127.0.0.1
    CommandLine cli = new CommandLine(new TracewrightCli());
    cli.setCaseInsensitiveEnumValuesAllowed(true); // --semconv latest
    PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(errWriter);
    cli.setParameterExceptionHandler(
        (e, a) -> {
          errWriter.println("tracewright: " + e.getMessage() + " (see: tracewright " + commandName(e.getCommandLine()) + "--help)");
          return USAGE_ERROR;
        });
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> failed(e, errWriter));
    try {
      return cli.execute(args);
    } finally {
      cli.getOut().flush(); // autoflush covers println only; tables are printed whole
      errWriter.flush();
    }
  }

  /** One line for a command's failure; never exit 1, which {@code diff} uses for "different". */
  static int failed(Exception e, PrintWriter err) {
    if (e instanceof CliException) {
      err.println("tracewright: " + e.getMessage());
      return USAGE_ERROR;
    }
    if (e instanceof java.sql.SQLException sql) {
      err.println("tracewright: the trace database failed: " + TraceDb.firstLine(sql.getMessage()));
      return USAGE_ERROR;
    }
    err.println("tracewright: unexpected error: " + e);
    return INTERNAL_ERROR;
  }

  private static String commandName(CommandLine commandLine) {
    String name = commandLine.getCommandName();
    return name.equals("tracewright") ? "" : name + " ";
  }

  /** The version Maven filtered into version.properties. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = TracewrightCli.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"tracewright " + p.getProperty("version", "unknown")};
    }
  }
}
