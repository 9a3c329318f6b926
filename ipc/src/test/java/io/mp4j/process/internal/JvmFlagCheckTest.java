package io.mp4j.process.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The first-use check asks the modules, reports exactly what this JVM lacks and nothing it cannot be given,
 * and says where each launcher takes the flags. (A JVM started without mp4j-chronicle's flags is checked for
 * real in that artifact's tests.)
 */
class JvmFlagCheckTest
{
    private final Module unnamed = JvmFlagCheckTest.class.getModule();

    @Test
    void shouldFindNothingMissingOfWhatTheJvmWasStartedWith()
    {
        // The build starts this JVM with every artifact's flags, e.g. these two of mp4j-chronicle's.
        final JvmFlags.FlagList given =
            new JvmFlags.FlagList(List.of("java.base/sun.nio.ch"), List.of("java.base/java.lang"), List.of());

        assertEquals(List.of(), JvmFlagCheck.missing(given, unnamed));
    }

    @Test
    void shouldReportExactlyTheExportsAndOpensTheJvmLacks()
    {
        final JvmFlags.FlagList wanted = new JvmFlags.FlagList(
            List.of("java.base/sun.nio.ch", "java.base/jdk.internal.vm"),
            List.of("java.base/java.lang", "java.base/java.util.concurrent"),
            List.of("-Dnot.checked=true"));

        assertEquals(List.of(
                new JvmFlagCheck.Missing("--add-exports", "Add-Exports", "java.base/jdk.internal.vm"),
                new JvmFlagCheck.Missing("--add-opens", "Add-Opens", "java.base/java.util.concurrent")),
            JvmFlagCheck.missing(wanted, unnamed));
    }

    @Test
    void shouldNotReportWhatNoFlagCanGiveThisRuntime()
    {
        final JvmFlags.FlagList wanted = new JvmFlags.FlagList(
            List.of("no.such.module/some.pkg", "java.base/no.such.pkg"), List.of("no.such.module/other.pkg"), List.of());

        assertEquals(List.of(), JvmFlagCheck.missing(wanted, unnamed));
    }

    @Test
    void shouldNameTheMissingFlagsAndEveryPlaceToPutThem()
    {
        final List<JvmFlagCheck.Missing> missing = List.of(
            new JvmFlagCheck.Missing("--add-exports", "Add-Exports", "java.base/jdk.internal.ref"),
            new JvmFlagCheck.Missing("--add-exports", "Add-Exports", "jdk.compiler/com.sun.tools.javac.file"),
            new JvmFlagCheck.Missing("--add-opens", "Add-Opens", "java.base/java.lang"));

        assertEquals(
            "DurableQueue needs JVM flags this JVM was started without: artifact=io.mp4j:mp4j-chronicle " +
                "missing=[--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED, " +
                "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED, " +
                "--add-opens=java.base/java.lang=ALL-UNNAMED]\n" +
                "Start the JVM that runs your code with them (child JVMs that mp4j starts get them from mp4j):\n" +
                "  java:           java --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED " +
                "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED " +
                "--add-opens=java.base/java.lang=ALL-UNNAMED -cp ... com.example.Main\n" +
                "  Surefire:       <argLine>--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED " +
                "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED " +
                "--add-opens=java.base/java.lang=ALL-UNNAMED</argLine>\n" +
                "  mvn exec:java:  a line in .mvn/jvm.config (exec:java runs in Maven's own JVM): " +
                "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED " +
                "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED " +
                "--add-opens=java.base/java.lang=ALL-UNNAMED\n" +
                "  Gradle:         tasks.test { jvmArgs(\"--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED\", " +
                "\"--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED\", " +
                "\"--add-opens=java.base/java.lang=ALL-UNNAMED\") }, and for run: application { " +
                "applicationDefaultJvmArgs = listOf(\"--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED\", " +
                "\"--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED\", " +
                "\"--add-opens=java.base/java.lang=ALL-UNNAMED\") }\n" +
                "  java -jar:      manifest attributes Add-Exports: java.base/jdk.internal.ref " +
                "jdk.compiler/com.sun.tools.javac.file; Add-Opens: java.base/java.lang",
            JvmFlagCheck.message("DurableQueue", "io.mp4j:mp4j-chronicle", missing, unnamed));
    }

    @Test
    void shouldPassTheMainArtifactWhichNeedsNoFlag()
    {
        assertEquals(JvmFlags.FlagList.NONE, JvmFlags.of(JvmFlags.MAIN));
        assertDoesNotThrow(() -> JvmFlagCheck.require(JvmFlags.MAIN, "SharedInt", JvmFlagCheckTest.class));
    }

    @Test
    void shouldPassAnArtifactThisClassPathLacks()
    {
        // mp4j-chronicle is not on this module's test classpath: its flags are nobody's business here.
        assertEquals(JvmFlags.FlagList.NONE, JvmFlags.of(JvmFlags.CHRONICLE));
        assertDoesNotThrow(() -> JvmFlagCheck.require(JvmFlags.CHRONICLE, "DurableQueue", JvmFlagCheckTest.class));
    }
}
