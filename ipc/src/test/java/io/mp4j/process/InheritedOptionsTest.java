package io.mp4j.process;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which of the parent's JVM options a child gets: those that a second JVM can share. */
class InheritedOptionsTest
{
    @Test
    void shouldPassOptionsTwoJvmsCanShare()
    {
        for (final String option : List.of(
            "-Xmx256m", "-XX:+UseSerialGC", "-Dapp.mode=test", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-Xlog:gc", "-Xlog:gc*:stderr", "-XX:FlightRecorderOptions=stackdepth=96"))
        {
            assertTrue(ProcessContext.isInherited(option), option);
        }
    }

    @Test
    void shouldKeepDebuggersAgentsRecordingsAndLogFilesToTheParent()
    {
        for (final String option : List.of(
            "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-javaagent:/opt/agent.jar",
            "-XX:StartFlightRecording=filename=app.jfr,settings=profile", "-XX:StartFlightRecording",
            "-Xlog:gc*:file=gc.log:time", "-Xloggc:gc.log", "-XX:ArchiveClassesAtExit=app.jsa"))
        {
            assertFalse(ProcessContext.isInherited(option), option);
        }
    }

    @Test
    void shouldPlaceFirstOptionsBeforeAllOthersAndKeepTheRestOfTheContext()
    {
        final ProcessContext context = new ProcessContext().host("app").leaseTimeout(Duration.ofSeconds(3))
            .jvmOptions(List.of("-XX:MaxNewSize=128m")).conclude();

        final ProcessContext first = context.withFirstJvmOptions(List.of("-XX:MaxNewSize=64m"));

        assertEquals("app", first.host());
        assertEquals(Duration.ofSeconds(3), first.leaseTimeout());
        final List<String> options = first.launchSpec().options();
        assertEquals("-XX:MaxNewSize=64m", options.get(0));
        assertTrue(options.indexOf("-XX:MaxNewSize=128m") > 0, "the context's own option comes later, and wins");
        assertEquals(context.launchSpec().options(), options.subList(1, options.size()));
    }

    @Test
    void shouldNameTheJdksSelectorProviderToChildrenAheadOfTheirOwnOptions()
    {
        final String provider = "-Djava.nio.channels.spi.SelectorProvider=" +
            java.nio.channels.spi.SelectorProvider.provider().getClass().getName();
        final String own = "-Djava.nio.channels.spi.SelectorProvider=com.example.OwnProvider";
        final List<String> command = new ProcessContext().jvmOptions(List.of(own)).conclude().javaCommand("Main", List.of());

        assertTrue(command.indexOf(provider) > 0, "the JDK's own provider is named: " + command);
        assertTrue(command.indexOf(own) > command.indexOf(provider), "an option of the context's comes later, and wins");
    }

    @Test
    void shouldAddClassesForTheArchiveAndKeepTheRestOfTheContext()
    {
        final ProcessContext context = new ProcessContext().host("app").leaseTimeout(Duration.ofSeconds(3))
            .classDataClasses(List.of(String.class, Integer.class)).conclude();

        final ProcessContext more = context.withClassDataClasses(List.of(Integer.class, Long.class));

        assertEquals("app", more.host());
        assertEquals(Duration.ofSeconds(3), more.leaseTimeout());
        assertEquals(List.of(String.class, Integer.class, Long.class), more.classDataClasses());
        assertEquals(List.of(String.class, Integer.class, Long.class), more.launchSpec().archivedClasses());
        assertEquals(List.of(String.class, Integer.class), context.classDataClasses(), "the original is unchanged");
        assertThrows(IllegalStateException.class, () -> more.classDataClasses(List.of()), "a concluded context is fixed");
    }

    @Test
    void shouldRefuseWhatTheLauncherWouldTakeForTheMainClass()
    {
        for (final String bad : java.util.Arrays.asList("Xmx64m", "", " ", null, "+UseSerialGC"))
        {
            final List<String> options = java.util.Arrays.asList("-Xmx64m", bad);
            final IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> new ProcessContext().jvmOptions(options));
            assertTrue(refused.getMessage().startsWith("not a JVM option: option='" + bad + "'"), refused.getMessage());
            final ProcessContext concluded = new ProcessContext().conclude();
            assertThrows(IllegalArgumentException.class, () -> concluded.withFirstJvmOptions(options), String.valueOf(bad));
        }
        assertEquals(List.of("-Xmx64m", "@jvm.args"),
            new ProcessContext().jvmOptions(List.of("-Xmx64m", "@jvm.args")).jvmOptions(), "an argument file is fine");
    }
}
