package io.mp4j.bench.compare;

import io.mp4j.process.ProcessContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code java -jar mp4j-bench.jar compare}: runs the same workloads on mp4j, on CPython's own
 * {@code multiprocessing} and on hand-rolled plain Java (and the rows a cluster has on mp4j's cluster
 * backend, {@link LoopbackCluster}), in turns within one run, and prints the table of medians and ratios;
 * writes {@code compare.json}, {@code compare.svg} and {@code compare.txt} to the output directory.
 * <p>
 * Exit code 0 when every mp4j (local and cluster) and plain-Java repetition succeeded (CPython may be missing
 * or failing; the table says so), 1 otherwise, 2 for bad options.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = "Runs the same workloads on mp4j, CPython multiprocessing and plain Java, and some on mp4j's " +
        "cluster backend (a loopback cluster of two nodes); prints ratios.")
public final class CompareCommand implements Callable<Integer>
{
    private static final int FULL_REPETITIONS = 7;
    private static final int QUICK_REPETITIONS = 3;
    /** A fresh pool's three JVMs compile its map path over its first five 1 M-item maps (bench/RESULTS.md). */
    private static final int FULL_WARMUPS = 5;
    private static final int QUICK_WARMUPS = 1;

    @Option(names = "--quick", description = "Tiny sizes and fewer repetitions: exercises the harness in seconds.")
    private boolean quick;

    @Option(names = "--repetitions", paramLabel = "N",
        description = "Counted repetitions per competitor and workload (default: 7, or 3 with --quick).")
    private Integer repetitions;

    @Option(names = "--warmups", paramLabel = "N",
        description = "Uncounted repetitions before them (default: 5, or 1 with --quick).")
    private Integer warmups;

    @Option(names = "--output", paramLabel = "DIR", defaultValue = "bench/target",
        description = "Where compare.json, compare.svg and compare.txt go (default: ${DEFAULT-VALUE}).")
    private Path output;

    @Option(names = "--python", paramLabel = "EXE", defaultValue = "python3",
        description = "The CPython interpreter (default: ${DEFAULT-VALUE}).")
    private String python;

    @Option(names = "--python-timeout", paramLabel = "SECONDS", defaultValue = "300",
        description = "Longest one CPython repetition may take before CPython is stopped (default: ${DEFAULT-VALUE}).")
    private int pythonTimeoutSeconds;

    @Option(names = "--child-java", paramLabel = "JAVA",
        description = "The java executable of every JVM the run starts: mp4j's children and workers, the plain-Java " +
            "competitors and row 8a's bare JVM, so that their ratios compare the same JDK (default: this JVM's, or " +
            "the mp4j.child.java system property).")
    private Path childJava;

    @Option(names = "--workload", paramLabel = "ID", split = ",",
        description = "Run only these workloads, by id (e.g. 3a,8b); default: all.")
    private List<String> only;

    @Option(names = "--leave-out", paramLabel = "COMPETITOR", split = ",",
        description = "Competitors that do not run, by their key in compare.json: cpython, plainJava, cluster " +
            "(e.g. cluster, whose idle server nodes share the machine with the others' turns); default: none.")
    private List<String> leftOut;

    private final String[] arguments;

    /**
     * A command that records its own arguments in the report.
     *
     * @param arguments the arguments after {@code compare}, as given.
     */
    public CompareCommand(final String[] arguments)
    {
        this.arguments = arguments.clone();
    }

    /**
     * Parses the arguments and runs the comparison.
     *
     * @param arguments the arguments after {@code compare}.
     * @return the exit code.
     */
    public static int execute(final String... arguments)
    {
        return new CommandLine(new CompareCommand(arguments)).execute(arguments);
    }

    /**
     * Runs the comparison and writes its report.
     *
     * @return the exit code: 0 if every mp4j and plain-Java repetition succeeded, 1 otherwise.
     * @throws Exception if the report cannot be written, or the run is interrupted.
     */
    @Override
    public Integer call() throws Exception
    {
        final int counted = repetitions != null ? repetitions : quick ? QUICK_REPETITIONS : FULL_REPETITIONS;
        final int uncounted = warmups != null ? warmups : quick ? QUICK_WARMUPS : FULL_WARMUPS;
        if (counted < 1 || uncounted < 0 || pythonTimeoutSeconds < 1)
        {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "--repetitions and --python-timeout must be at least 1, --warmups at least 0");
        }
        if (childJava == null)
        {
            return run(counted, uncounted);
        }
        if (!Files.isExecutable(childJava))
        {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "--child-java is not an executable: " + childJava);
        }
        final String previous = System.getProperty(ProcessContext.JAVA_PROPERTY);
        // Read by mp4j's default context, which the plain-Java command lines use too.
        System.setProperty(ProcessContext.JAVA_PROPERTY, childJava.toAbsolutePath().toString());
        try
        {
            if (!Files.isSameFile(ProcessContext.defaultContext().javaExecutable(), childJava))
            {
                throw new CommandLine.ParameterException(new CommandLine(this), "--child-java comes too late: " +
                    "this JVM's default process context already runs " + ProcessContext.defaultContext().javaExecutable());
            }
            return run(counted, uncounted);
        }
        finally
        {
            if (previous == null)
            {
                System.clearProperty(ProcessContext.JAVA_PROPERTY);
            }
            else
            {
                System.setProperty(ProcessContext.JAVA_PROPERTY, previous);
            }
        }
    }

    private int run(final int counted, final int uncounted) throws Exception
    {
        // Before the run, so that an unwritable directory does not throw the run away at the end.
        Files.createDirectories(output);
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        final PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        final ZonedDateTime date = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        final long start = System.nanoTime();

        final List<WorkloadResult> results;
        final Map<String, Object> machine;
        try (Fixtures fixtures = new Fixtures(CPythonWorkloads.start(python, Duration.ofSeconds(pythonTimeoutSeconds))))
        {
            final List<Workload> workloads = select(StandardWorkloads.create(fixtures));
            machine = MachineInfo.describe(fixtures.python());
            progress.println("compare: " + workloads.size() + " workloads, " + counted + " repetitions" +
                (uncounted > 0 ? " after " + uncounted + " warm-up" : "") + (quick ? ", quick sizes" : "") +
                "; CPython: " + machine.get("python"));
            results = new Comparison(quick, counted, uncounted, progress).run(workloads);
        }
        MachineInfo.loadAverage().ifPresent(load -> machine.put("loadAverageAfter", load));

        final Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", commandLine());
        run.put("date", date.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        run.put("quick", quick);
        run.put("repetitions", counted);
        run.put("warmups", uncounted);
        run.put("durationSeconds", Math.round((System.nanoTime() - start) / 1e9));
        final Report report = new Report(run, machine, results);

        final String table = report.table();
        Files.writeString(output.resolve("compare.txt"), table, StandardCharsets.UTF_8);
        Files.writeString(output.resolve("compare.json"), report.json(), StandardCharsets.UTF_8);
        Files.writeString(output.resolve("compare.svg"), RatioChart.svg(report), StandardCharsets.UTF_8);
        out.println();
        out.print(table);
        out.println();
        out.println("Wrote " + output.resolve("compare.json") + ", " + output.resolve("compare.svg") + " and " +
            output.resolve("compare.txt") + " in " + run.get("durationSeconds") + " s.");

        final boolean failed = results.stream().anyMatch(result -> result.figure(Competitor.MP4J).hasFailed() ||
            result.figure(Competitor.PLAIN_JAVA).hasFailed() || result.figure(Competitor.CLUSTER).hasFailed());
        return failed ? 1 : 0;
    }

    private List<Workload> select(final List<Workload> all)
    {
        final List<Workload> chosen = new ArrayList<>();
        for (final String id : only == null || only.isEmpty() ? all.stream().map(Workload::id).toList() : only)
        {
            chosen.add(all.stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow(() ->
                new CommandLine.ParameterException(new CommandLine(this), "unknown workload: " + id + " (known: " +
                    all.stream().map(Workload::id).collect(Collectors.joining(", ")) + ')')));
        }
        final Set<Competitor> absent = leftOut();
        return chosen.stream().map(workload -> workload.without(absent)).toList();
    }

    private Set<Competitor> leftOut()
    {
        final Set<Competitor> absent = EnumSet.noneOf(Competitor.class);
        for (final String key : leftOut == null ? List.<String>of() : leftOut)
        {
            absent.add(Arrays.stream(Competitor.values())
                .filter(competitor -> competitor != Competitor.MP4J && competitor.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new CommandLine.ParameterException(new CommandLine(this),
                    "--leave-out takes cpython, plainJava or cluster, not: " + key)));
        }
        return absent;
    }

    private String commandLine()
    {
        final String tail = arguments.length == 0 ? "" : ' ' + String.join(" ", arguments);
        try
        {
            final Path codeSource =
                Paths.get(CompareCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(codeSource))
            {
                final Path here = Paths.get("").toAbsolutePath();
                final Path jar = codeSource.startsWith(here) ? here.relativize(codeSource) : codeSource;
                return "java -jar " + jar + " compare" + tail;
            }
        }
        catch (final URISyntaxException | SecurityException | NullPointerException ex)
        {
            // Fall through: not run from a jar.
        }
        return String.format(Locale.ROOT, "compare%s (in-process, not from the jar)", tail);
    }
}
