package io.mp4j.bench.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A finished run, in the three forms it is published in: a Markdown table for people (stdout and
 * {@code compare.txt}), {@code compare.json} for programs, and the ratio chart ({@link RatioChart}).
 */
public final class Report
{
    private static final String[] HEADERS = {
        "workload", "size", "mp4j", "mp4j cluster", "CPython", "plain Java", "unit", "mp4j vs CPython",
        "mp4j vs plain Java", "cluster vs local"};
    private static final int PYTHON_COLUMN = 4;
    private static final int UNIT_COLUMN = 6;

    private final Map<String, Object> run;
    private final Map<String, Object> machine;
    private final List<WorkloadResult> results;

    /**
     * A report.
     *
     * @param run     facts about the run: {@code command}, {@code date}, {@code quick}, {@code repetitions},
     *                {@code warmups}, {@code durationSeconds}; written at the top of the JSON.
     * @param machine facts about the machine and runtimes ({@link MachineInfo}).
     * @param results the workloads' results, in order.
     */
    public Report(final Map<String, Object> run, final Map<String, Object> machine, final List<WorkloadResult> results)
    {
        this.run = run;
        this.machine = machine;
        this.results = results;
    }

    /**
     * The results.
     *
     * @return the workloads' results, in order.
     */
    public List<WorkloadResult> results()
    {
        return results;
    }

    /**
     * A fact about the run.
     *
     * @param name e.g. {@code "date"}.
     * @return its value, or {@code null}.
     */
    public Object runFact(final String name)
    {
        return run.get(name);
    }

    /**
     * A fact about the machine.
     *
     * @param name e.g. {@code "nproc"}.
     * @return its value, or {@code null}.
     */
    public Object machineFact(final String name)
    {
        return machine.get(name);
    }

    /**
     * The table: a Markdown table (readable as is in a terminal) of medians with their spread and the
     * ratios, followed by how each competitor ran each workload.
     *
     * @return the text, ending with a newline.
     */
    public String table()
    {
        final List<String[]> rows = new ArrayList<>();
        final String[] headers = HEADERS.clone();
        if (machine.containsKey("pythonPoolStartMethod"))
        {
            headers[PYTHON_COLUMN] = machine.get("python") + " (Pool: " + machine.get("pythonPoolStartMethod") + ')';
        }
        rows.add(headers);
        for (final WorkloadResult result : results)
        {
            final Workload workload = result.workload();
            rows.add(new String[]{
                workload.id() + ' ' + workload.name(),
                workload.describeSize(result.size()),
                cell(result.figure(Competitor.MP4J)),
                cell(result.figure(Competitor.CLUSTER)),
                cell(result.figure(Competitor.CPYTHON)),
                cell(result.figure(Competitor.PLAIN_JAVA)),
                workload.unit().symbol() + (workload.higherIsBetter() ? " ↑" : " ↓"),
                ratioCell(result.mp4jAdvantageOver(Competitor.CPYTHON)),
                ratioCell(result.mp4jAdvantageOver(Competitor.PLAIN_JAVA)),
                ratioCell(result.advantage(Competitor.CLUSTER, Competitor.MP4J))});
        }

        final int[] widths = new int[headers.length];
        for (final String[] row : rows)
        {
            for (int i = 0; i < row.length; i++)
            {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }

        final StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++)
        {
            appendRow(out, rows.get(r), widths);
            if (r == 0)
            {
                final String[] rule = new String[widths.length];
                for (int i = 0; i < widths.length; i++)
                {
                    rule[i] = isNumericColumn(i) ? "-".repeat(widths[i] - 1) + ':' : "-".repeat(widths[i]);
                }
                appendRow(out, rule, widths);
            }
        }

        out.append('\n')
            .append("Median of ").append(run.get("repetitions")).append(" repetitions (min–max), competitors taking")
            .append(" turns in each; ↑ higher is better, ↓ lower is better.\n")
            .append("Ratios compare medians, oriented so that above 1× means mp4j did better; \"cluster vs local\"")
            .append(" sets the cluster's median against mp4j's local one (below 1×: the cluster is slower).\n")
            .append("Machine: ").append(machine.get("nproc")).append(" CPUs");
        appendFact(out, ", ", machine.get("cpu"));
        appendFact(out, "; ", machine.get("java"));
        appendFact(out, "; children on ", machine.get("childJava"));
        appendFact(out, "; ", machine.get("python"));
        appendFact(out, "; load average before ", machine.get("loadAverageBefore"));
        appendFact(out, ", after ", machine.get("loadAverageAfter"));
        out.append(".\n\nHow each competitor ran each workload:\n");
        for (final WorkloadResult result : results)
        {
            out.append("- ").append(result.workload().id()).append(':');
            String separator = " ";
            for (final Competitor competitor : Competitor.values())
            {
                final Figure figure = result.figure(competitor);
                out.append(separator).append(competitor.title()).append(": ")
                    .append(figure.description().orElse(figure.missingReason().orElse("")));
                separator = "; ";
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * The JSON document: the run's facts, the machine, and one object per workload with its name, unit,
     * size, repetitions, each competitor's median, spread and samples (or why it has none), and the
     * ratios.
     *
     * @return the JSON text, ending with a newline.
     */
    public String json()
    {
        final Map<String, Object> document = new LinkedHashMap<>(run);
        document.put("machine", machine);
        final List<Object> workloads = new ArrayList<>();
        for (final WorkloadResult result : results)
        {
            final Workload workload = result.workload();
            final Map<String, Object> object = new LinkedHashMap<>();
            object.put("id", workload.id());
            object.put("workload", workload.name());
            object.put("unit", workload.unit().symbol());
            object.put("higherIsBetter", workload.higherIsBetter());
            object.put("size", result.size());
            object.put("sizeUnit", workload.sizeUnit());
            object.put("repetitions", result.repetitions());
            for (final Competitor competitor : Competitor.values())
            {
                object.put(competitor.key(), figureObject(result.figure(competitor)));
            }
            object.put("mp4jVsCPython", boxed(result.mp4jAdvantageOver(Competitor.CPYTHON)));
            object.put("mp4jVsPlainJava", boxed(result.mp4jAdvantageOver(Competitor.PLAIN_JAVA)));
            object.put("clusterVsMp4j", boxed(result.advantage(Competitor.CLUSTER, Competitor.MP4J)));
            workloads.add(object);
        }
        document.put("workloads", workloads);
        return Json.write(document) + '\n';
    }

    private static Map<String, Object> figureObject(final Figure figure)
    {
        final Map<String, Object> object = new LinkedHashMap<>();
        if (figure.hasValue())
        {
            object.put("median", figure.median());
            object.put("min", figure.min());
            object.put("max", figure.max());
            object.put("samples", figure.samples());
        }
        else
        {
            object.put("median", null);
            object.put("missing", figure.missingReason().orElse(""));
        }
        object.put("how", figure.description().orElse(null));
        return object;
    }

    private static Object boxed(final OptionalDouble value)
    {
        return value.isPresent() ? value.getAsDouble() : null;
    }

    private static String cell(final Figure figure)
    {
        if (!figure.hasValue())
        {
            return figure.missingReason().orElse("");
        }
        return Numbers.format(figure.median()) + " (" + Numbers.format(figure.min()) + "–" +
            Numbers.format(figure.max()) + ')';
    }

    private static String ratioCell(final OptionalDouble ratio)
    {
        return ratio.isPresent() ? Numbers.ratio(ratio.getAsDouble()) : "–";
    }

    private static void appendRow(final StringBuilder out, final String[] cells, final int[] widths)
    {
        out.append('|');
        for (int i = 0; i < cells.length; i++)
        {
            final boolean numeric = isNumericColumn(i);
            final String padding = " ".repeat(widths[i] - cells[i].length());
            out.append(' ').append(numeric ? padding + cells[i] : cells[i] + padding).append(" |");
        }
        out.append('\n');
    }

    private static boolean isNumericColumn(final int column)
    {
        return column != 0 && column != UNIT_COLUMN;
    }

    private static void appendFact(final StringBuilder out, final String separator, final Object fact)
    {
        if (fact != null)
        {
            out.append(separator).append(fact);
        }
    }
}
