package io.mp4j.pool;

import io.mp4j.process.ProcessContext;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The JVM options a pool's spawned workers start with ahead of their context's own: a worker is one
 * process of a pool sized to the CPUs, so where nothing names a collector it gets the serial collector,
 * which the JVM itself picks for a machine of one CPU, and its young generation is capped where nothing
 * sizes it. A collector the user names is the user's choice, wherever it is named: on the context, in the
 * options this JVM passes on, or in the environment the worker inherits.
 */
final class WorkerJvmOptions
{
    /**
     * What a worker gets first when its options name no collector: the serial collector, with its young
     * generation capped (see {@link #first}). A fresh pool's maps of 1 M numbers, maps 6-10 and 11-30 of its
     * life: 7.0-8.8 and 4.3-6.1 ms each against 9.1-11.1 and 4.5-10.3 ms with G1 and its cap (2 vCPUs, JDK 17).
     */
    static final List<String> SERIAL = List.of("-XX:+UseSerialGC", "-XX:MaxNewSize=32m");

    /**
     * What a worker that runs G1 because its options name it gets first: a cap on its young generation.
     * Uncapped, G1 grows it towards hundreds of megabytes and the worker faults each new page in once: on
     * JDK 17, whose workers box what a function takes and returns, a fresh pool's first ~45 maps of 1 M
     * numbers took ~4,000 page faults each in the workers and 2-3× the time of later ones.
     */
    static final List<String> G1 = List.of("-XX:MaxNewSize=64m");

    /** The smallest heaps whose young generation a worker's first options cap: four times the cap. */
    private static final long SMALLEST_CAPPED_HEAP_BYTES = 128L << 20;
    private static final long SMALLEST_CAPPED_G1_HEAP_BYTES = 256L << 20;
    /** An option that chooses a collector (not one such as {@code -XX:+UseMaximumCompactionOnSystemGC}). */
    private static final Pattern COLLECTOR_OPTION =
        Pattern.compile("-XX:\\+Use(Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep)GC");
    /** Environment variables whose options a worker's JVM reads as well as its command line's. */
    private static final List<String> OPTIONS_VARIABLES =
        List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private WorkerJvmOptions()
    {
    }

    /**
     * A pool's process context for its spawned workers: the pool's own, with what {@link #first} gives placed
     * ahead of its options.
     *
     * @param processContext the pool's process context.
     * @return the workers' context; the same one where nothing goes first.
     */
    static ProcessContext workerContext(final ProcessContext processContext)
    {
        final List<String> options = fromEnvironment(System.getenv());
        options.addAll(processContext.jvmOptions());
        if (processContext.inheritJvmOptions())
        {
            options.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        }
        final List<String> first = first(options);
        return first.isEmpty() ? processContext : processContext.withFirstJvmOptions(first);
    }

    /**
     * The options a worker's JVM reads from its environment (this JVM's, which it inherits).
     *
     * @param environment the environment.
     * @return the options, in the order the JVM reads them; a list the caller may add to.
     */
    static List<String> fromEnvironment(final Map<String, String> environment)
    {
        final List<String> options = new ArrayList<>();
        for (final String variable : OPTIONS_VARIABLES)
        {
            final String value = environment.get(variable);
            if (value != null && !value.isBlank())
            {
                options.addAll(List.of(value.trim().split("\\s+")));
            }
        }
        return options;
    }

    /**
     * The options a spawned worker gets first. Where no option names a collector: {@link #SERIAL}, the young
     * generation's cap left out where an option sizes it or the heap is under four times the cap. Where the
     * last named collector is G1: {@link #G1}, under the same conditions (a heap of 256 MB or more). Nothing
     * for any other collector.
     *
     * @param options the worker's options, from its environment, its context and those it inherits, in order.
     * @return the options to place first.
     */
    static List<String> first(final List<String> options)
    {
        String collector = null;
        boolean youngSized = false;
        long heapBytes = Long.MAX_VALUE;
        for (final String option : options)
        {
            if (COLLECTOR_OPTION.matcher(option).matches())
            {
                collector = option;
            }
            else if (option.startsWith("-Xmn") || option.contains("NewSize") || option.contains("NewRatio") ||
                option.contains("MaxRAM"))
            {
                youngSized = true;
            }
            else if (maxHeapBytes(option) != Long.MAX_VALUE)
            {
                heapBytes = maxHeapBytes(option); // the last one wins, as in the JVM
            }
        }
        if (collector == null)
        {
            final boolean capped = !youngSized && heapBytes >= SMALLEST_CAPPED_HEAP_BYTES;
            return capped ? SERIAL : SERIAL.subList(0, 1); // the collector alone
        }
        return collector.equals("-XX:+UseG1GC") && !youngSized && heapBytes >= SMALLEST_CAPPED_G1_HEAP_BYTES
            ? G1 : List.of();
    }

    /** The heap size an {@code -Xmx} or {@code -XX:MaxHeapSize=} option gives, or {@link Long#MAX_VALUE} for any other. */
    private static long maxHeapBytes(final String option)
    {
        final String size = option.startsWith("-Xmx") ? option.substring(4) :
            option.startsWith("-XX:MaxHeapSize=") ? option.substring("-XX:MaxHeapSize=".length()) : null;
        if (size == null || size.isEmpty())
        {
            return Long.MAX_VALUE;
        }
        final char unit = Character.toLowerCase(size.charAt(size.length() - 1));
        final int shift = unit == 'k' ? 10 : unit == 'm' ? 20 : unit == 'g' ? 30 : unit == 't' ? 40 : 0;
        try
        {
            return Long.parseLong(shift == 0 ? size : size.substring(0, size.length() - 1)) << shift;
        }
        catch (final NumberFormatException ex)
        {
            return 0; // a size this JVM would refuse anyway: no cap
        }
    }
}
