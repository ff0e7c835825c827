package org.lps.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community as an embedded DBMS with only the Bolt connector, for machines without
 * Docker. Configured through the environment so that make, tests and users drive it alike:
 *
 * <ul>
 *   <li>NEO4J_HOME_DIR: where the store lives (default ./.neo4j-data)
 *   <li>NEO4J_BOLT_HOST / NEO4J_BOLT_PORT: the Bolt address (default 127.0.0.1:7687; port 0 is
 *       not allowed because clients need to know it)
 *   <li>NEO4J_AUTH: "none" (default) or "neo4j/PASSWORD" to require that password
 *   <li>NEO4J_PAGECACHE_MB: page cache size in MiB (default 256)
 * </ul>
 *
 * Prints "READY bolt://host:port" once the default database is available, and shuts the DBMS
 * down from a JVM shutdown hook, so SIGTERM closes the store cleanly.
 */
public final class Launcher {
  private static final String DATABASE = "neo4j";

  private Launcher() {}

  public static void main(String[] args) throws Exception {
    Path home = Path.of(env("NEO4J_HOME_DIR", ".neo4j-data")).toAbsolutePath();
    String host = env("NEO4J_BOLT_HOST", "127.0.0.1");
    int port = Integer.parseInt(env("NEO4J_BOLT_PORT", "7687"));
    String auth = env("NEO4J_AUTH", "none");
    long pageCacheMb = Long.parseLong(env("NEO4J_PAGECACHE_MB", "256"));
    boolean authEnabled = !auth.equals("none");

    Files.createDirectories(home);
    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
            .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
            .setConfig(HttpConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, authEnabled)
            .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
            .setConfig(
                GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(120))
            .build();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("STOPPING");
                  dbms.shutdown();
                  stopped.countDown();
                },
                "neo4j-shutdown"));

    if (!dbms.database(DATABASE).isAvailable(Duration.ofMinutes(2).toMillis())) {
      System.err.println("database " + DATABASE + " did not become available");
      System.exit(1);
    }
    if (authEnabled) {
      setInitialPassword(dbms, auth);
    }
    System.out.println("READY bolt://" + host + ":" + port);
    System.out.flush();
    stopped.await();
  }

  private static void setInitialPassword(DatabaseManagementService dbms, String auth) {
    String[] userAndPassword = auth.split("/", 2);
    if (userAndPassword.length != 2 || !userAndPassword[0].equals("neo4j")) {
      throw new IllegalArgumentException("NEO4J_AUTH must be 'none' or 'neo4j/PASSWORD'");
    }
    var system = dbms.database("system");
    try (var tx = system.beginTx()) {
      tx.execute(
          "ALTER USER neo4j IF EXISTS SET PASSWORD $password CHANGE NOT REQUIRED",
          java.util.Map.of("password", userAndPassword[1]));
      tx.commit();
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
