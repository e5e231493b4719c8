package dev.tracewright.cli;

import dev.tracewright.cli.server.ApiKeys;
import dev.tracewright.runtime.store.H2Store;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tracewright keys create|list|revoke}: the team server's API keys, in its store. */
@Command(
    name = "keys",
    description = "API keys of the team server: each belongs to one project; only a hash and a prefix are stored.",
    mixinStandardHelpOptions = true,
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give a subcommand: create, list or revoke");
  }

  /** {@code --store}, as the server's. */
  static final class StoreOption {
    @Option(names = "--store", paramLabel = "PATH", defaultValue = "${env:TRACEWRIGHT_STORE:-.tracewright/traces}",
        description = "The server's store (default: ${DEFAULT-VALUE}; also TRACEWRIGHT_STORE).")
    String store;

    <T> T with(SqlWork<T> work) {
      if (store.startsWith("postgresql:") || store.startsWith("jdbc:")) {
        throw new CliException("--store " + store + ": PostgreSQL stores are not in this build yet; give an H2 file path");
      }
      H2Store h2 = H2Store.file(Path.of(store));
      try {
        Connection c = h2.connection();
        T result = work.on(c);
        c.commit();
        return result;
      } catch (SQLException e) {
        throw new CliException("the store " + store + " failed: " + e.getMessage());
      } finally {
        h2.close();
      }
    }
  }

  interface SqlWork<T> {
    T on(Connection c) throws SQLException;
  }

  @Command(name = "create", description = "Create a key for a project and print it (once: only its hash is kept).", mixinStandardHelpOptions = true)
  static final class Create implements Callable<Integer> {
    @picocli.CommandLine.Mixin StoreOption store;
    @Spec CommandSpec spec;

    @Option(names = "--project", required = true, paramLabel = "NAME", description = "The project whose traces the key sends and sees.")
    String project;

    @Option(names = "--name", paramLabel = "TEXT", description = "What the key is for (shown by keys list).")
    String name;

    @Override
    public Integer call() {
      String key;
      try {
        key = store.with(c -> ApiKeys.create(c, project, name));
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(key);
      out.println("Project " + project + ". Keep it now: it is not shown again. Send it as Authorization: Bearer <key>"
          + " (OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<key>).");
      return 0;
    }
  }

  @Command(name = "list", description = "List the keys: prefix, project, name, created, revoked.", mixinStandardHelpOptions = true)
  static final class ListKeys implements Callable<Integer> {
    @picocli.CommandLine.Mixin StoreOption store;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      List<ApiKeys.Key> keys = store.with(ApiKeys::list);
      PrintWriter out = spec.commandLine().getOut();
      if (keys.isEmpty()) {
        out.println("no API keys in " + store.store + " (a server on it runs in development mode, on loopback only)");
        return 0;
      }
      Table table = new Table("PREFIX", "PROJECT", "NAME", "CREATED", "REVOKED");
      for (ApiKeys.Key k : keys) {
        table.row(List.of(k.prefix(), k.project(), k.name() == null ? "" : TerminalText.escape(k.name()), Format.time(k.createdAt()),
            k.revokedAt() == null ? "" : Format.time(k.revokedAt())));
      }
      out.print(table);
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke a key by its prefix (servers refuse it within seconds).", mixinStandardHelpOptions = true)
  static final class Revoke implements Callable<Integer> {
    @picocli.CommandLine.Mixin StoreOption store;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "PREFIX", description = "The key's prefix, as keys list shows it.")
    String prefix;

    @Override
    public Integer call() {
      if (!store.with(c -> ApiKeys.revoke(c, prefix.trim()))) {
        throw new CliException("no active key with prefix '" + TerminalText.escape(prefix) + "' in " + store.store + " (see: tracewright keys list)");
      }
      spec.commandLine().getOut().println("revoked " + prefix.trim());
      return 0;
    }
  }
}
