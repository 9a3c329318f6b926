package io.mp4j.bench.soak;

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
 * Runs a soak of a few seconds for real (pool workers and child JVMs) and checks its outputs: samples
 * with every workload advancing, the slopes and the chart. Never asserts a speed or a slope.
 */
class SoakCommandTest
{
    @Test
    void shouldSampleEveryWorkloadAndWriteCsvChartAndSlopes(@TempDir final Path output)
    {
        assertTimeoutPreemptively(Duration.ofMinutes(3), () ->
        {
            assertEquals(0, SoakCommand.execute("--minutes", "0.15", "--interval", "3", "--output", output.toString()));

            final List<String> csv = Files.readAllLines(output.resolve("soak.csv"));
            assertEquals(SoakSample.header(), csv.get(0));
            assertTrue(csv.size() >= 3, () -> "too few samples: " + csv);
            final String[] last = csv.get(csv.size() - 1).split(",");
            assertEquals(SoakSample.header().split(",").length, last.length);
            for (int i = last.length - SoakWorkloads.NAMES.length; i < last.length; i++)
            {
                assertTrue(Long.parseLong(last[i]) > 0, () -> "a workload did nothing: " + csv);
            }
            final String summary = Files.readString(output.resolve("soak.txt"));
            assertTrue(summary.contains("every answer checked and right"), summary);
            assertTrue(summary.contains("parent RSS") && summary.contains("session files"), summary);
            assertTrue(Files.readString(output.resolve("soak.svg")).contains("<polyline"));
        });
    }

    @Test
    void shouldFitTheLeastSquaresSlopePerMinute()
    {
        final List<SoakSample> line = List.of(sample(0, 10), sample(60, 14), sample(120, 18), sample(180, 22));
        assertEquals(4.0, SoakCommand.slopePerMinute(line, SoakSample::sessionFiles), 1e-9);

        final List<SoakSample> flat = List.of(sample(0, 7), sample(30, 9), sample(60, 7), sample(90, 9));
        assertEquals(0.8, SoakCommand.slopePerMinute(flat, SoakSample::sessionFiles), 1e-9);
    }

    private static SoakSample sample(final double seconds, final long files)
    {
        return new SoakSample(seconds, 0, 0, 0, files, 0, 0, new long[SoakWorkloads.NAMES.length]);
    }
}
