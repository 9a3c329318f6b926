package io.mp4j.cluster.node;

import io.mp4j.Mp4jException;
import io.mp4j.cluster.ClusterContext;
import io.mp4j.cluster.TestClusters;
import io.mp4j.pool.PoolFunction;
import io.mp4j.pool.WorkerPool;
import io.mp4j.test.CapturedOutput;
import io.mp4j.test.NoLeaksExtension;
import org.apache.ignite.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node command: two nodes started by it in JVMs of their own run a task whose class only their
 * {@code --classpath} holds, stop on SIGTERM and remove their work directories; bad options fail before Ignite starts.
 */
@ExtendWith(NoLeaksExtension.class)
class NodeCommandTest
{
    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    @TempDir
    Path directory;

    @Test
    void shouldRunTheApplicationsTasksFromItsClasspathAndStopOnSigterm()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(150), () ->
        {
            final Path application = compileApplication();
            final Path temporary = Files.createDirectory(directory.resolve("tmp"));
            try (TestClusters cluster = new TestClusters(Files.createDirectory(directory.resolve("logs"))))
            {
                final List<Process> nodes = cluster.start(2, NodeCommand.class.getName(), List.of(
                    "--name", cluster.name(),
                    "--discovery", "127.0.0.1:" + cluster.discoveryPort() + ".." + (cluster.discoveryPort() + TestClusters.portRange()),
                    "--discovery-port", String.valueOf(cluster.discoveryPort()),
                    "--communication-port", String.valueOf(cluster.communicationPort()),
                    "--port-range", String.valueOf(TestClusters.portRange()),
                    "--failure-detection", "1500",
                    "--classpath", application.toString()),
                    "mp4j node started: cluster=" + cluster.name(), List.of("-Djava.io.tmpdir=" + temporary), Map.of());
                assertEquals(2, workDirectories(temporary), "each node has its work directory");

                try (URLClassLoader loader = new URLClassLoader(new URL[]{application.toUri().toURL()}, getClass().getClassLoader());
                    ClusterContext context = ClusterContext.connect(cluster.options());
                    WorkerPool pool = context.pool(2))
                {
                    @SuppressWarnings("unchecked")
                    final PoolFunction<Integer, Integer> triple = (PoolFunction<Integer, Integer>)loader
                        .loadClass("app.Triple").getDeclaredConstructor().newInstance();
                    assertEquals(List.of(0, 3, 6, 9), pool.map(triple, List.of(0, 1, 2, 3), 1));
                }

                for (final Process node : nodes)
                {
                    node.destroy();
                }
                for (final Process node : nodes)
                {
                    assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the node stopped on SIGTERM");
                }
                assertEquals(0, workDirectories(temporary), "the nodes removed their work directories");
            }
        });
    }

    @Test
    void shouldJoinOnlyClientsThatSpeakTlsWithTheTrustedKey()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(150), () ->
        {
            final Path store = directory.resolve("node.p12");
            final Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "secret-1",
                "-alias", "node", "-keyalg", "EC", "-dname", "CN=mp4j-test", "-validity", "2")
                .redirectErrorStream(true).start();
            assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool made a key");
            try (TestClusters cluster = new TestClusters(Files.createDirectory(directory.resolve("logs"))))
            {
                cluster.start(2, NodeCommand.class.getName(), List.of(
                    "--name", cluster.name(),
                    "--discovery", "127.0.0.1:" + cluster.discoveryPort() + ".." + (cluster.discoveryPort() + TestClusters.portRange()),
                    "--discovery-port", String.valueOf(cluster.discoveryPort()),
                    "--communication-port", String.valueOf(cluster.communicationPort()),
                    "--port-range", String.valueOf(TestClusters.portRange()),
                    "--tls-keystore", store.toString()),
                    "mp4j node started: cluster=" + cluster.name(), List.of(), Map.of(NodeCommand.KEYSTORE_PASSWORD, "secret-1"));

                final SslContextFactory tls = new SslContextFactory();
                tls.setKeyStoreFilePath(store.toString());
                tls.setKeyStorePassword("secret-1".toCharArray());
                tls.setKeyStoreType("PKCS12");
                tls.setTrustStoreFilePath(store.toString());
                tls.setTrustStorePassword("secret-1".toCharArray());
                tls.setTrustStoreType("PKCS12");
                try (ClusterContext context = ClusterContext.connect(cluster.options().ssl(tls)))
                {
                    context.longValue("secure", 0).incrementAndGet();
                    assertEquals(1, context.longValue("secure", 0).get());
                }
                assertThrows(Mp4jException.class, () -> ClusterContext.connect(cluster.options().joinTimeout(Duration.ofSeconds(3))),
                    "a client without TLS is not let in");
            }
        });
    }

    @Test
    void shouldRefuseBadOptionsBeforeStartingANode()
    {
        assertEquals(1, NodeCommand.execute("--classpath", directory.resolve("missing.jar").toString()));
        assertTrue(output.errText().contains("classpath entry does not exist"), output.errText());
        assertEquals(1, NodeCommand.execute("--tls-keystore", directory.resolve("missing.p12").toString()));
        assertTrue(output.errText().contains("cannot read TLS store"), output.errText());
        assertEquals(2, NodeCommand.execute("--no-such-option"));
    }

    @Test
    void shouldPrintItsOptions()
    {
        assertEquals(0, NodeCommand.execute("--help"));
        final String help = String.join("\n", output.outLines());
        for (final String option : List.of("--name", "--discovery", "--classpath", "--bind", "--tls-keystore"))
        {
            assertTrue(help.contains(option), help);
        }
        assertFalse(help.contains("error"), help);
    }

    /** A task class in a directory of its own: only the nodes' {@code --classpath} and the client's loader see it. */
    private Path compileApplication() throws Exception
    {
        final Path sources = Files.createDirectories(directory.resolve("src/app"));
        final Path classes = Files.createDirectory(directory.resolve("app-classes"));
        final Path source = sources.resolve("Triple.java");
        Files.writeString(source, "package app;\n"
            + "public class Triple implements io.mp4j.pool.PoolFunction<Integer, Integer> {\n"
            + "    public Integer apply(Integer x) { return 3 * x; }\n"
            + "}\n");
        final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, compiler.run(null, null, null, "-d", classes.toString(),
            "-cp", System.getProperty("java.class.path"), source.toString()));
        assertFalse(System.getProperty("java.class.path").contains(classes.toString() + File.pathSeparator));
        return classes;
    }

    private static long workDirectories(final Path temporary) throws Exception
    {
        try (Stream<Path> entries = Files.list(temporary))
        {
            return entries.filter(entry -> entry.getFileName().toString().startsWith("mp4j-ignite-")).count();
        }
    }
}
