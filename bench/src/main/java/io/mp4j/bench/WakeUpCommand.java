package io.mp4j.bench;

import io.mp4j.EndOfStreamException;
import io.mp4j.WaitStrategy;
import io.mp4j.bench.compare.CPythonWorkloads;
import io.mp4j.connection.Connection;
import io.mp4j.connection.Pipe;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessTarget;
import io.mp4j.session.Session;
import org.HdrHistogram.Histogram;
import org.agrona.IoUtil;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code java -jar mp4j-bench.jar wakeup [--quick] [--output DIR] [--python EXE]}: how fast a receiver
 * answers after it idled for 0, 20 µs and 1 ms, and what its waiting costs in CPU. A child echoes 8-byte
 * messages; the parent idles for the gap (spinning for 20 µs, sleeping for 1 ms), then times the round
 * trip. Contenders, in one run: a raw Agrona ring pair between the two JVMs, busy-spinning (the floor);
 * mp4j's {@link Pipe} with each {@link WaitStrategy}; CPython's {@code multiprocessing.Pipe}. CPU is each
 * side's CPU time over the phase's wall time, in percent of one core (the child's from {@code /proc},
 * 10 ms resolution); the last row per contender is the child's CPU while it waits with nothing to do.
 * The table goes to standard output and to {@code wakeup.txt} in the output directory.
 */
public final class WakeUpCommand
{
    private static final long[] GAPS_NANOS = {0, TimeUnit.MICROSECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(1)};
    private static final int MESSAGE_LENGTH = 8;
    private static final String SCRIPT = "wakeup_latency.py";

    private final int warmup;
    private final int[] messages;
    private final double idleSeconds;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    private WakeUpCommand(final boolean quick)
    {
        warmup = quick ? 500 : 20_000;
        messages = quick ? new int[]{1_000, 200, 20} : new int[]{50_000, 20_000, 3_000};
        idleSeconds = quick ? 0.2 : 2.0;
    }

    /** One line of the table: a contender at one idle gap, or idle (gap -1). */
    record Row(String contender, long gapNanos, double p50Micros, double p99Micros, double receiverCpu, double senderCpu)
    {
        String format()
        {
            if (gapNanos < 0)
            {
                return String.format(Locale.ROOT, "%-26s %-12s %9s %9s %8.1f %8s", contender, "idle, no msg", "", "",
                    receiverCpu, "");
            }
            return String.format(Locale.ROOT, "%-26s %-12s %9.2f %9.2f %8.1f %8.1f", contender, gapName(gapNanos),
                p50Micros, p99Micros, receiverCpu, senderCpu);
        }
    }

    /**
     * Runs the measurement.
     *
     * @param args the options.
     * @return the exit code: 0, or 2 for bad options.
     * @throws Exception if a contender fails.
     */
    public static int execute(final String[] args) throws Exception
    {
        boolean quick = false;
        Path output = Path.of("bench", "target");
        String python = "python3";
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--quick" -> quick = true;
                case "--output" -> output = Path.of(args[++i]);
                case "--python" -> python = args[++i];
                default ->
                {
                    System.err.println("usage: wakeup [--quick] [--output DIR] [--python EXE]");
                    return 2;
                }
            }
        }

        final WakeUpCommand command = new WakeUpCommand(quick);
        final List<Row> rows = new ArrayList<>();
        // A session of its own, so that the rings, pipes and doorbells go when the run ends.
        try (Session session = Session.create())
        {
            rows.addAll(command.measure("raw Agrona ring, busy-spin", new RawRingEcho(session)));
            for (final WaitStrategy strategy : WaitStrategy.values())
            {
                rows.addAll(command.measure("mp4j Pipe, " + strategy.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    new PipeEcho(session, strategy)));
            }
        }
        final List<String> notes = new ArrayList<>();
        rows.addAll(command.cpython(python, notes));

        final StringBuilder table = new StringBuilder()
            .append("wake-up after idling: 8-byte round trip between two processes, ").append(LocalDate.now())
            .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs\n")
            .append(String.format(Locale.ROOT, "%-26s %-12s %9s %9s %8s %8s%n", "contender", "receiver idle",
                "p50 µs", "p99 µs", "rcv CPU%", "snd CPU%"));
        rows.forEach(row -> table.append(row.format()).append('\n'));
        notes.forEach(note -> table.append(note).append('\n'));
        System.out.print(table);
        Files.createDirectories(output);
        Files.writeString(output.resolve("wakeup.txt"), table);
        return 0;
    }

    private List<Row> measure(final String contender, final Echo echo) throws Exception
    {
        final List<Row> rows = new ArrayList<>();
        try (echo)
        {
            final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            for (int i = 0; i < warmup; i++)
            {
                echo.roundTrip();
            }
            for (int g = 0; g < GAPS_NANOS.length; g++)
            {
                final long gap = GAPS_NANOS[g];
                histogram.reset();
                final long childCpuBefore = echo.receiverCpuNanos();
                final long ownCpuBefore = threads.getCurrentThreadCpuTime();
                final long wallBefore = System.nanoTime();
                for (int i = 0; i < messages[g]; i++)
                {
                    idle(gap);
                    final long start = System.nanoTime();
                    echo.roundTrip();
                    histogram.recordValue(Math.min(System.nanoTime() - start, histogram.getHighestTrackableValue()));
                }
                final double wall = System.nanoTime() - wallBefore;
                rows.add(new Row(contender, gap, histogram.getValueAtPercentile(50) / 1000.0,
                    histogram.getValueAtPercentile(99) / 1000.0,
                    100 * (echo.receiverCpuNanos() - childCpuBefore) / wall,
                    100 * (threads.getCurrentThreadCpuTime() - ownCpuBefore) / wall));
            }

            final long childCpuBefore = echo.receiverCpuNanos();
            final long wallBefore = System.nanoTime();
            Thread.sleep((long)(idleSeconds * 1000));
            rows.add(new Row(contender, -1, 0, 0,
                100 * (echo.receiverCpuNanos() - childCpuBefore) / (double)(System.nanoTime() - wallBefore), 0));
        }
        rows.forEach(row -> System.err.println(row.format()));
        return rows;
    }

    private static void idle(final long gapNanos)
    {
        if (gapNanos >= TimeUnit.MILLISECONDS.toNanos(1))
        {
            LockSupport.parkNanos(gapNanos);
            return;
        }
        final long until = System.nanoTime() + gapNanos;
        while (System.nanoTime() - until < 0)
        {
            Thread.onSpinWait();
        }
    }

    private List<Row> cpython(final String python, final List<String> notes) throws IOException, InterruptedException
    {
        final Path script = CPythonWorkloads.extractScript(WakeUpCommand.class, SCRIPT, "mp4j-wakeup-python-");
        final Path directory = script.getParent();

        final List<Row> rows = new ArrayList<>();
        try
        {
            final Process process;
            try
            {
                process = new ProcessBuilder(python, "-u", script.toString(), String.valueOf(warmup),
                    String.valueOf(messages[0]), String.valueOf(messages[1]), String.valueOf(messages[2]),
                    String.valueOf(idleSeconds))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            }
            catch (final IOException ex)
            {
                notes.add("CPython: " + python + " not found");
                return rows;
            }
            try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = lines.readLine()) != null)
                {
                    final Map<String, Double> values = parse(line);
                    if (values.containsKey("idle_receiver_cpu_pct"))
                    {
                        rows.add(new Row("CPython Pipe", -1, 0, 0, values.get("idle_receiver_cpu_pct"), 0));
                    }
                    else
                    {
                        rows.add(new Row("CPython Pipe", (long)(values.get("gap_us") * 1000), values.get("p50_us"),
                            values.get("p99_us"), values.get("receiver_cpu_pct"), values.get("sender_cpu_pct")));
                    }
                }
            }
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
            if (process.exitValue() != 0)
            {
                notes.add("CPython: " + python + " failed with exit code " + process.exitValue());
            }
        }
        finally
        {
            Files.deleteIfExists(script);
            Files.deleteIfExists(directory);
        }
        rows.forEach(row -> System.err.println(row.format()));
        return rows;
    }

    private static Map<String, Double> parse(final String line)
    {
        final Map<String, Double> values = new HashMap<>();
        for (final String pair : line.trim().split(" "))
        {
            final int equals = pair.indexOf('=');
            values.put(pair.substring(0, equals), Double.parseDouble(pair.substring(equals + 1)));
        }
        return values;
    }

    private static String gapName(final long gapNanos)
    {
        if (gapNanos == 0)
        {
            return "0";
        }
        return gapNanos >= TimeUnit.MILLISECONDS.toNanos(1) ? gapNanos / 1_000_000 + " ms" : gapNanos / 1000 + " µs";
    }

    /** A child that echoes every message, and the parent's end of the conversation. */
    private abstract static class Echo implements AutoCloseable
    {
        private ChildProcess child;

        void start(final ProcessTarget target)
        {
            child = new ChildProcess(target).name("wakeup-echo").daemon(true).start();
        }

        abstract void roundTrip();

        long receiverCpuNanos()
        {
            return ProcessHandle.of(child.pid()).flatMap(handle -> handle.info().totalCpuDuration())
                .map(Duration::toNanos).orElse(0L);
        }

        @Override
        public void close()
        {
            stop();
            try
            {
                if (!child.join(Duration.ofSeconds(5)))
                {
                    child.kill();
                    child.join();
                }
            }
            catch (final InterruptedException ex)
            {
                child.kill();
                Thread.currentThread().interrupt();
            }
        }

        abstract void stop();
    }

    private static final class PipeEcho extends Echo
    {
        private final Pipe pipe;
        private final Connection parent;
        private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);
        private final UnsafeBuffer reply = new UnsafeBuffer(new byte[64]);

        PipeEcho(final Session session, final WaitStrategy strategy)
        {
            pipe = Pipe.open(new Pipe.Context().session(session).waitStrategy(strategy));
            parent = pipe.first();
            final Connection child = pipe.second();
            start(() -> echo(child));
        }

        private static void echo(final Connection child)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
            try
            {
                while (true)
                {
                    final int length = child.recvBytes(buffer, 0);
                    child.sendBytes(buffer, 0, length);
                }
            }
            catch (final EndOfStreamException ex)
            {
                // The parent closed its end: done.
            }
        }

        @Override
        void roundTrip()
        {
            parent.sendBytes(message, 0, MESSAGE_LENGTH);
            parent.recvBytes(reply, 0);
        }

        @Override
        void stop()
        {
            pipe.close();
        }
    }

    /** Two Agrona rings in one mapped file, busy-spinning on both sides: what mp4j's pipe adds to. */
    private static final class RawRingEcho extends Echo
    {
        private static final int CAPACITY = 64 * 1024;
        private static final int RING_LENGTH = CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
        private static final int STOP = 2;

        private final MappedByteBuffer mapping;
        private final OneToOneRingBuffer toChild;
        private final OneToOneRingBuffer toParent;
        private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);

        RawRingEcho(final Session session)
        {
            final Path file = session.file("raw-rings");
            mapping = IoUtil.mapNewFile(file.toFile(), 2L * RING_LENGTH);
            toChild = new OneToOneRingBuffer(new UnsafeBuffer(mapping, 0, RING_LENGTH));
            toParent = new OneToOneRingBuffer(new UnsafeBuffer(mapping, RING_LENGTH, RING_LENGTH));
            start(new RawEchoTarget(file.toString()));
        }

        @Override
        void roundTrip()
        {
            while (!toChild.write(1, message, 0, MESSAGE_LENGTH))
            {
                Thread.onSpinWait();
            }
            while (toParent.read((type, buffer, index, length) -> { }, 1) == 0)
            {
                Thread.onSpinWait();
            }
        }

        @Override
        void stop()
        {
            toChild.write(STOP, message, 0, MESSAGE_LENGTH);
        }

        @Override
        public void close()
        {
            super.close();
            IoUtil.unmap(mapping);
        }
    }

    /**
     * The raw ring's child: echoes until told to stop.
     *
     * @param file the mapped file of the two rings.
     */
    record RawEchoTarget(String file) implements ProcessTarget
    {
        private static final long serialVersionUID = 1L;

        @Override
        public void run()
        {
            final MappedByteBuffer mapping = IoUtil.mapExistingFile(Path.of(file).toFile(), "raw-rings");
            try
            {
                final OneToOneRingBuffer fromParent =
                    new OneToOneRingBuffer(new UnsafeBuffer(mapping, 0, RawRingEcho.RING_LENGTH));
                final OneToOneRingBuffer toParent =
                    new OneToOneRingBuffer(new UnsafeBuffer(mapping, RawRingEcho.RING_LENGTH, RawRingEcho.RING_LENGTH));
                final boolean[] stopped = {false};
                final MessageHandler echo = (type, buffer, index, length) ->
                {
                    if (type == RawRingEcho.STOP)
                    {
                        stopped[0] = true;
                        return;
                    }
                    while (!toParent.write(type, buffer, index, length))
                    {
                        Thread.onSpinWait();
                    }
                };
                while (!stopped[0])
                {
                    if (fromParent.read(echo, 1) == 0)
                    {
                        Thread.onSpinWait();
                    }
                }
            }
            finally
            {
                IoUtil.unmap(mapping);
            }
        }
    }
}
