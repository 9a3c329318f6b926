package io.mp4j.pool;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The options a pool's workers get ahead of their own; PoolTest checks them in real workers. */
class WorkerJvmOptionsTest
{
    @Test
    void shouldChooseWorkersCollectorOnlyWhereNothingNamesOneAndCapItsYoungGenerationWhereItLeavesRoom()
    {
        final List<String> serial = WorkerJvmOptions.SERIAL;
        final List<String> serialUncapped = List.of("-XX:+UseSerialGC");
        final List<String> g1 = WorkerJvmOptions.G1;
        assertEquals(serial, WorkerJvmOptions.first(List.of()));
        assertEquals(serial, WorkerJvmOptions.first(List.of("-Xmx128m", "-Xms64m", "-Dx=-XX:+UseG1GC")));
        assertEquals(serial, WorkerJvmOptions.first(List.of("-XX:+UseMaximumCompactionOnSystemGC")), "no collector");
        assertEquals(g1, WorkerJvmOptions.first(List.of("-XX:+UseSerialGC", "-XX:+UseG1GC")), "the last one named");
        assertEquals(g1, WorkerJvmOptions.first(List.of("-XX:+UseG1GC", "-Xmx2g", "-Xms64m")));
        assertEquals(g1, WorkerJvmOptions.first(List.of("-XX:+UseG1GC", "-Xmx100m", "-Xmx256m")), "the last heap");
        for (final String other : List.of("-XX:+UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseZGC", "-XX:+UseEpsilonGC"))
        {
            assertEquals(List.of(), WorkerJvmOptions.first(List.of(other)), other);
        }
        for (final String sizing : List.of("-Xmn32m", "-XX:NewSize=16m", "-XX:MaxNewSize=1g", "-XX:NewRatio=3",
            "-XX:MaxRAMPercentage=10", "-Xmxoops"))
        {
            assertEquals(serialUncapped, WorkerJvmOptions.first(List.of(sizing)), sizing);
            assertEquals(List.of(), WorkerJvmOptions.first(List.of("-XX:+UseG1GC", sizing)), sizing);
        }
        assertEquals(serialUncapped, WorkerJvmOptions.first(List.of("-Xmx127m")), "heap under four caps");
        assertEquals(List.of(), WorkerJvmOptions.first(List.of("-XX:+UseG1GC", "-XX:MaxHeapSize=255m")));
    }

    @Test
    void shouldReadWorkersOptionsFromTheEnvironmentTheyInherit()
    {
        // A collector named there and another on the command line stop the JVM ("Multiple garbage collectors").
        final List<String> options = WorkerJvmOptions.fromEnvironment(Map.of(
            "JAVA_TOOL_OPTIONS", " -XX:+UseG1GC  -Xss1m ", "_JAVA_OPTIONS", "-Xmx1g", "JDK_JAVA_OPTIONS", " ",
            "OTHER_OPTIONS", "-XX:+UseZGC"));
        assertEquals(List.of("-XX:+UseG1GC", "-Xss1m", "-Xmx1g"), options);
        assertEquals(WorkerJvmOptions.G1, WorkerJvmOptions.first(options));
    }
}
