package io.mp4j.bench.compare;

import io.mp4j.process.ProcessContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The facts about the machine and the runtimes that a reader needs to judge a run's figures: CPUs,
 * memory, load, the JVM (and the children's, where they run another) and the interpreter. Linux's {@code /proc} is read where present; elsewhere
 * those facts are left out.
 */
public final class MachineInfo
{
    private MachineInfo()
    {
    }

    /**
     * Describes this machine, this JVM and the CPython interpreter.
     *
     * @param python the CPython side, whose facts are included when it runs.
     * @return the facts, in a stable order.
     */
    public static Map<String, Object> describe(final CPythonWorkloads python)
    {
        final Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("nproc", Runtime.getRuntime().availableProcessors());
        cpuModel().ifPresent(model -> facts.put("cpu", model));
        memoryTotal().ifPresent(memory -> facts.put("memory", memory));
        facts.put("os", System.getProperty("os.name") + ' ' + System.getProperty("os.version") + ' ' +
            System.getProperty("os.arch"));
        loadAverage().ifPresent(load -> facts.put("loadAverageBefore", load));
        facts.put("java", System.getProperty("java.vm.name") + ' ' + System.getProperty("java.runtime.version"));
        facts.put("javaVendor", System.getProperty("java.vendor"));
        childJava().ifPresent(java -> facts.put("childJava", java));
        if (python.unavailableReason().isPresent())
        {
            facts.put("python", python.unavailableReason().get());
        }
        else
        {
            facts.put("python", python.fact("implementation").orElse("?") + " " + python.fact("python").orElse("?"));
            facts.put("pythonPoolStartMethod", python.defaultStartMethod());
            facts.put("numpy", python.fact("numpy").orElse(null));
        }
        return facts;
    }

    /**
     * The 1, 5 and 15-minute load averages, which say how busy the rest of the machine was.
     *
     * @return e.g. {@code "1.52 0.98 0.75"}, or empty where {@code /proc/loadavg} is missing.
     */
    public static Optional<String> loadAverage()
    {
        return read(Paths.get("/proc/loadavg")).filter(lines -> !lines.isEmpty()).map(lines ->
        {
            final String[] fields = lines.get(0).trim().split("\\s+");
            return String.join(" ", Arrays.copyOf(fields, Math.min(3, fields.length)));
        });
    }

    private static Optional<String> cpuModel()
    {
        return read(Paths.get("/proc/cpuinfo")).flatMap(lines -> lines.stream()
            .filter(line -> line.startsWith("model name"))
            .map(line -> line.substring(line.indexOf(':') + 1).trim())
            .findFirst());
    }

    /**
     * The JDK that the run's child JVMs use when it is not this JVM's ({@code --child-java}, or the
     * {@code mp4j.child.java} property): its path and the version its {@code release} file names.
     */
    private static Optional<String> childJava()
    {
        final String configured = System.getProperty(ProcessContext.JAVA_PROPERTY);
        if (configured == null || configured.isBlank())
        {
            return Optional.empty();
        }
        final Path java = Paths.get(configured);
        final Optional<String> version = read(java.toAbsolutePath().getParent().resolveSibling("release"))
            .flatMap(lines -> lines.stream()
                .filter(line -> line.startsWith("JAVA_VERSION="))
                .map(line -> line.substring(line.indexOf('=') + 1).replace("\"", ""))
                .findFirst());
        return Optional.of(java + version.map(v -> " (Java " + v + ')').orElse(""));
    }

    private static Optional<String> memoryTotal()
    {
        return read(Paths.get("/proc/meminfo")).flatMap(lines -> lines.stream()
            .filter(line -> line.startsWith("MemTotal:"))
            .map(line -> line.replaceAll("[^0-9]", ""))
            .filter(kib -> !kib.isEmpty())
            .map(kib -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kib) / 1024.0 / 1024.0))
            .findFirst());
    }

    private static Optional<List<String>> read(final Path file)
    {
        try
        {
            return Optional.of(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        catch (final IOException | SecurityException ex)
        {
            return Optional.empty();
        }
    }
}
