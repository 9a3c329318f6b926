package io.mp4j.chronicle.internal;

import io.mp4j.process.ProcessContext;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM started without mp4j-chronicle's flags fails at the first use of a Chronicle-backed feature with one
 * message naming exactly the flags it lacks and where to put them, and leaves no session behind: checked in
 * real child JVMs started by hand, since mp4j gives the children it starts the flags itself.
 */
@ExtendWith(NoLeaksExtension.class)
class ChronicleFlagsTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String ALL_MISSING =
        "missing=[--add-exports=java.base/sun.nio.ch=ALL-UNNAMED, --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED, " +
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED, " +
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED, --add-opens=java.base/java.lang=ALL-UNNAMED]";

    @TempDir
    Path temp;

    @Test
    void shouldNameEveryChronicleFlagAndWhereToPutItWhenAJvmHasNone()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Map<String, String> thrown = runWithout(List.of());

            final String flags = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED " +
                "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED " +
                "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED " +
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED";
            final String quoted = "\"--add-exports=java.base/sun.nio.ch=ALL-UNNAMED\", " +
                "\"--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED\", " +
                "\"--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED\", " +
                "\"--add-opens=java.base/java.lang.reflect=ALL-UNNAMED\", \"--add-opens=java.base/java.lang=ALL-UNNAMED\"";
            assertEquals(
                "SharedDict (Manager.dict()) needs JVM flags this JVM was started without: " +
                    "artifact=io.mp4j:mp4j-chronicle " + ALL_MISSING + "\n" +
                    "Start the JVM that runs your code with them (child JVMs that mp4j starts get them from mp4j):\n" +
                    "  java:           java " + flags + " -cp ... com.example.Main\n" +
                    "  Surefire:       <argLine>" + flags + "</argLine>\n" +
                    "  mvn exec:java:  a line in .mvn/jvm.config (exec:java runs in Maven's own JVM): " + flags + "\n" +
                    "  Gradle:         tasks.test { jvmArgs(" + quoted + ") }, and for run: application { " +
                    "applicationDefaultJvmArgs = listOf(" + quoted + ") }\n" +
                    "  java -jar:      manifest attributes Add-Exports: java.base/sun.nio.ch java.base/jdk.internal.ref " +
                    "jdk.compiler/com.sun.tools.javac.file; Add-Opens: java.base/java.lang.reflect java.base/java.lang",
                thrown.get("dict"));
            assertEquals("DurableQueue needs JVM flags this JVM was started without: " +
                "artifact=io.mp4j:mp4j-chronicle " + ALL_MISSING, firstLine(thrown.get("durable-queue")));
            assertEquals("the pool journal (PoolContext.journal, PoolJournal) needs JVM flags this JVM was started " +
                "without: artifact=io.mp4j:mp4j-chronicle " + ALL_MISSING, firstLine(thrown.get("journaled-pool")));
            assertEquals(firstLine(thrown.get("journaled-pool")), firstLine(thrown.get("pool-journal")));
        });
    }

    @Test
    void shouldNameOnlyTheFlagsAJvmLacks()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Map<String, String> thrown = runWithout(
                List.of("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED"));

            assertEquals("DurableQueue needs JVM flags this JVM was started without: artifact=io.mp4j:mp4j-chronicle " +
                "missing=[--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED, " +
                "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED, " +
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED]", firstLine(thrown.get("durable-queue")));
            assertTrue(thrown.get("durable-queue").endsWith("manifest attributes Add-Exports: java.base/jdk.internal.ref " +
                "jdk.compiler/com.sun.tools.javac.file; Add-Opens: java.base/java.lang.reflect"), thrown.get("durable-queue"));
        });
    }

    /**
     * Runs {@link WithoutFlagsMain} in a lean JVM with the given flags and none of this JVM's, checks that it
     * ended well and left neither its session nor a child behind, and returns what each feature threw.
     */
    private Map<String, String> runWithout(final List<String> flags) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ProcessContext.defaultContext().jvmOptions());
        command.addAll(flags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WithoutFlagsMain.class.getName(),
            temp.toString()));
        final Path log = temp.resolve("child.log");
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try
        {
            assertTrue(child.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the child ended");
        }
        finally
        {
            child.destroyForcibly();
        }
        final List<String> lines = Files.readAllLines(log);
        assertEquals(0, child.exitValue(), () -> String.join("\n", lines));
        assertTrue(lines.contains("children 0"), () -> "no worker outlived the journaled pool: " + lines);

        final Path session = Paths.get(lines.get(0).substring("session ".length()));
        assertFalse(Files.exists(session), () -> "the session is gone: " + session);

        final Map<String, String> thrown = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).startsWith(WithoutFlagsMain.BEGIN))
            {
                final int end = lines.subList(i, lines.size()).indexOf(WithoutFlagsMain.END) + i;
                thrown.put(lines.get(i).substring(WithoutFlagsMain.BEGIN.length()), String.join("\n", lines.subList(i + 1, end)));
                i = end;
            }
        }
        assertEquals(List.of("dict", "durable-queue", "journaled-pool", "pool-journal"), List.copyOf(thrown.keySet()));
        return thrown;
    }

    private static String firstLine(final String text)
    {
        return text.lines().findFirst().orElse("");
    }
}
