package io.mp4j.process;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
