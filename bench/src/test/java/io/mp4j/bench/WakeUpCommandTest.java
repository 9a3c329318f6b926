package io.mp4j.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code wakeup --quick} for real (child JVMs, CPython when {@code python3} is there) and checks that
 * every contender has a row per idle gap and one idle row with numbers. Never asserts a speed.
 */
class WakeUpCommandTest
{
    private static final List<String> MP4J_CONTENDERS = List.of(
        "raw Agrona ring, busy-spin", "mp4j Pipe, busy-spin", "mp4j Pipe, default", "mp4j Pipe, low-cpu");

    @Test
    void shouldMeasureEveryContenderAtEveryGap(@TempDir final Path output)
    {
        assertTimeoutPreemptively(Duration.ofMinutes(3), () ->
        {
            assertEquals(0, WakeUpCommand.execute(new String[]{"--quick", "--output", output.toString()}));
            final List<String> lines = Files.readAllLines(output.resolve("wakeup.txt"));
            for (final String contender : MP4J_CONTENDERS)
            {
                for (final String gap : List.of(" 0 ", " 20 µs ", " 1 ms ", " idle, no msg "))
                {
                    assertTrue(lines.stream().anyMatch(line -> line.startsWith(contender) && line.contains(gap) &&
                        line.matches(".*\\d+\\.\\d.*")), () -> "no row: " + contender + " gap=" + gap + "\n" + lines);
                }
            }
            final boolean cpython = lines.stream().anyMatch(line -> line.startsWith("CPython Pipe"));
            final boolean explained = lines.stream().anyMatch(line -> line.startsWith("CPython: "));
            assertTrue(cpython || explained, () -> "CPython neither measured nor explained:\n" + lines);
        });
    }
}
