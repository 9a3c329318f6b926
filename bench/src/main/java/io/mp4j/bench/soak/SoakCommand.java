package io.mp4j.bench.soak;

import io.mp4j.bench.compare.MachineInfo;
import io.mp4j.session.Session;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * {@code java -jar mp4j-bench.jar soak [--minutes 10] [--interval 30]}: runs the pool, a queue, a lock,
 * a dict and pipe churn at once for a while ({@link SoakWorkloads}) and samples, at every interval, the
 * resident memory of this JVM and of each JVM it started, and the files and bytes under the session
 * directory and in use on its file system. Writes {@code soak.csv}, {@code soak.svg} (the samples
 * against time) and {@code soak.txt} (the slopes per minute, fitted after the first minute) to the
 * output directory. Flat is the goal: a slope near zero says nothing accumulates.
 * <p>
 * Exit code 0 when every workload's answers were right, 1 otherwise, 2 for bad options.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = "Runs pool, queue, lock, dict and pipe churn at once; samples memory and files; writes CSV and chart.")
public final class SoakCommand implements Callable<Integer>
{
    private static final double WARM_UP_MINUTES = 1.0;
    private static final double MEBIBYTE = 1024.0 * 1024.0;

    @Option(names = "--minutes", paramLabel = "N", defaultValue = "10",
        description = "How long the workloads run (default: ${DEFAULT-VALUE}).")
    private double minutes;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "30",
        description = "Time between samples (default: ${DEFAULT-VALUE}).")
    private int intervalSeconds;

    @Option(names = "--processes", paramLabel = "N", defaultValue = "2",
        description = "The pool's workers (default: ${DEFAULT-VALUE}).")
    private int processes;

    @Option(names = "--output", paramLabel = "DIR", defaultValue = "bench/target",
        description = "Where soak.csv, soak.svg and soak.txt go (default: ${DEFAULT-VALUE}).")
    private Path output;

    /**
     * Parses the arguments and runs the soak.
     *
     * @param arguments the arguments after {@code soak}.
     * @return the exit code.
     */
    public static int execute(final String... arguments)
    {
        return new CommandLine(new SoakCommand()).execute(arguments);
    }

    /**
     * Runs the soak and writes its samples, chart and slopes.
     *
     * @return 0 if every workload's answers were right, 1 otherwise.
     * @throws Exception if the output cannot be written, or the run is interrupted.
     */
    @Override
    public Integer call() throws Exception
    {
        if (minutes <= 0 || intervalSeconds < 1 || processes < 1)
        {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "--minutes must be positive, --interval and --processes at least 1");
        }
        Files.createDirectories(output);
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        final ZonedDateTime date = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        final String loadBefore = MachineInfo.loadAverage().orElse("n/a");
        final Path sessionDirectory = Session.current().directory();
        final List<SoakSample> samples = new ArrayList<>();
        final Throwable failure;

        out.println(SoakSample.header());
        try (SoakWorkloads workloads = new SoakWorkloads(processes))
        {
            workloads.start();
            final long start = System.nanoTime();
            final long end = start + (long)(minutes * TimeUnit.MINUTES.toNanos(1));
            long next = start;
            while (next <= end && workloads.failure() == null)
            {
                final long now = System.nanoTime();
                if (now < next)
                {
                    TimeUnit.NANOSECONDS.sleep(Math.min(next - now, TimeUnit.SECONDS.toNanos(1)));
                    continue;
                }
                final SoakSample sample = sample((now - start) / 1e9, workloads, sessionDirectory);
                samples.add(sample);
                out.println(sample.csv());
                next += TimeUnit.SECONDS.toNanos(intervalSeconds);
            }
            workloads.stop();
            failure = workloads.failure();
        }

        final String summary = summary(date, loadBefore, samples, failure);
        out.print(summary);
        final StringBuilder csv = new StringBuilder(SoakSample.header()).append('\n');
        samples.forEach(sample -> csv.append(sample.csv()).append('\n'));
        Files.writeString(output.resolve("soak.csv"), csv);
        Files.writeString(output.resolve("soak.txt"), summary);
        Files.writeString(output.resolve("soak.svg"), SoakChart.svg(samples, date + ", load before " + loadBefore));
        out.println("wrote " + output.resolve("soak.csv") + ", soak.svg and soak.txt");
        return failure == null ? 0 : 1;
    }

    private static SoakSample sample(final double seconds, final SoakWorkloads workloads, final Path sessionDirectory)
        throws IOException
    {
        long childrenRss = 0;
        int children = 0;
        for (final long pid : workloads.childPids())
        {
            final long rss = residentBytes(pid);
            if (rss >= 0)
            {
                childrenRss += rss;
                children++;
            }
        }
        final long[] files = filesAndBytes(sessionDirectory);
        final FileStore store = Files.getFileStore(sessionDirectory);
        final long[] counts = new long[workloads.counts.length];
        for (int i = 0; i < counts.length; i++)
        {
            counts[i] = workloads.counts[i].get();
        }
        return new SoakSample(seconds, residentBytes(ProcessHandle.current().pid()), childrenRss, children,
            files[0], files[1], store.getTotalSpace() - store.getUnallocatedSpace(), counts);
    }

    /** Resident set size of a process from {@code /proc/<pid>/status}, or -1 if it is gone. */
    private static long residentBytes(final long pid)
    {
        try (Stream<String> lines = Files.lines(Paths.get("/proc", Long.toString(pid), "status")))
        {
            return lines.filter(line -> line.startsWith("VmRSS:"))
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
                .findFirst()
                .orElse(-1L);
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /** Regular files under a directory, and their lengths summed; files that vanish meanwhile are skipped. */
    private static long[] filesAndBytes(final Path directory) throws IOException
    {
        final long[] totals = new long[2];
        Files.walkFileTree(directory, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes)
            {
                if (attributes.isRegularFile())
                {
                    totals[0]++;
                    totals[1] += attributes.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(final Path file, final IOException ex)
            {
                return FileVisitResult.CONTINUE;
            }
        });
        return totals;
    }

    private String summary(
        final ZonedDateTime date, final String loadBefore, final List<SoakSample> samples, final Throwable failure)
    {
        final List<SoakSample> fitted = samples.stream()
            .filter(sample -> sample.seconds() >= WARM_UP_MINUTES * 60)
            .toList();
        final List<SoakSample> basis = fitted.size() >= 3 ? fitted : samples;
        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%nsoak %s: %.1f min, %d samples every %d s, %d pool workers%n",
            date, minutes, samples.size(), intervalSeconds, processes));
        text.append("load average before: ").append(loadBefore)
            .append(", after: ").append(MachineInfo.loadAverage().orElse("n/a")).append('\n');
        text.append(String.format(Locale.ROOT, "slopes per minute, fitted over %d samples%s:%n", basis.size(),
            basis == fitted ? " after the first minute" : " (all: the run is too short to skip the first minute)"));
        text.append(slopeLine("parent RSS", basis, SoakSample::parentRssBytes, MEBIBYTE, "MiB"));
        text.append(slopeLine("children RSS", basis, SoakSample::childrenRssBytes, MEBIBYTE, "MiB"));
        text.append(slopeLine("session files", basis, SoakSample::sessionFiles, 1, "files"));
        text.append(slopeLine("session bytes", basis, SoakSample::sessionBytes, MEBIBYTE, "MiB"));
        text.append(slopeLine("file system used", basis, SoakSample::storeUsedBytes, MEBIBYTE, "MiB"));
        if (!samples.isEmpty())
        {
            final SoakSample last = samples.get(samples.size() - 1);
            text.append("operations:");
            for (int i = 0; i < SoakWorkloads.NAMES.length; i++)
            {
                text.append(' ').append(SoakWorkloads.NAMES[i]).append('=').append(last.counts()[i]);
            }
            text.append('\n');
        }
        text.append(failure == null ? "every answer checked and right\n" : "FAILED: " + failure + '\n');
        return text.toString();
    }

    private static String slopeLine(
        final String name,
        final List<SoakSample> samples,
        final ToDoubleFunction<SoakSample> value,
        final double unit,
        final String unitName)
    {
        if (samples.size() < 2)
        {
            return String.format(Locale.ROOT, "  %-17s n/a (fewer than 2 samples)%n", name);
        }
        final double first = value.applyAsDouble(samples.get(0)) / unit;
        final double last = value.applyAsDouble(samples.get(samples.size() - 1)) / unit;
        return String.format(Locale.ROOT, "  %-17s %+10.3f %s/min   (%.1f -> %.1f)%n",
            name, slopePerMinute(samples, value) / unit, unitName, first, last);
    }

    /** Least-squares slope of a value against time, per minute. */
    static double slopePerMinute(final List<SoakSample> samples, final ToDoubleFunction<SoakSample> value)
    {
        double meanX = 0;
        double meanY = 0;
        for (final SoakSample sample : samples)
        {
            meanX += sample.seconds() / 60;
            meanY += value.applyAsDouble(sample);
        }
        meanX /= samples.size();
        meanY /= samples.size();
        double covariance = 0;
        double variance = 0;
        for (final SoakSample sample : samples)
        {
            final double dx = sample.seconds() / 60 - meanX;
            covariance += dx * (value.applyAsDouble(sample) - meanY);
            variance += dx * dx;
        }
        return variance == 0 ? 0 : covariance / variance;
    }
}
