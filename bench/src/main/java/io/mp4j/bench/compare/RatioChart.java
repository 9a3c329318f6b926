package io.mp4j.bench.compare;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The chart of a run's ratios as a standalone SVG: a row per workload with a bar for mp4j against
 * CPython and one for mp4j against plain Java, on a log scale around a 1× line; a bar to the right of
 * the line means mp4j did better. Figures are written beside each row, so the chart stands alone.
 */
public final class RatioChart
{
    private static final int WIDTH = 980;
    private static final int LABEL_X = 16;
    private static final int PLOT_LEFT = 400;
    private static final int PLOT_RIGHT = 900;
    private static final int TOP = 104;
    private static final int ROW_HEIGHT = 64;
    private static final int BAR_HEIGHT = 16;
    private static final String CPYTHON_COLOUR = "#2f6fb5";
    private static final String PLAIN_JAVA_COLOUR = "#e08a1e";
    private static final String FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";
    private static final double[] STEPS = {1, 2, 5};

    private final Report report;
    private double low;
    private double high;

    private RatioChart(final Report report)
    {
        this.report = report;
    }

    /**
     * Draws a report's ratios.
     *
     * @param report the finished run.
     * @return the SVG document.
     */
    public static String svg(final Report report)
    {
        return new RatioChart(report).draw();
    }

    private String draw()
    {
        final List<WorkloadResult> results = report.results();
        scale(results);
        final int bottom = TOP + ROW_HEIGHT * results.size();
        final int height = bottom + 100;
        final StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" %s>\n",
                WIDTH, height, WIDTH, height, FONT))
            .append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH, height));

        text(svg, LABEL_X, 30, 19, "bold", "#111", "start",
            "mp4j against CPython multiprocessing and plain Java: how many times better");
        text(svg, LABEL_X, 52, 12, "normal", "#555", "start", subtitle());
        legend(svg, LABEL_X, 78);

        axis(svg, bottom);
        for (int i = 0; i < results.size(); i++)
        {
            row(svg, results.get(i), TOP + ROW_HEIGHT * i);
        }

        final double one = x(1);
        text(svg, one - 8, bottom + 40, 12, "bold", "#a33", "end", "← mp4j worse");
        text(svg, one + 8, bottom + 40, 12, "bold", "#2a7a2a", "start", "mp4j better →");
        text(svg, LABEL_X, bottom + 66, 11, "normal", "#555", "start",
            "Ratio of medians on a log scale; each figure is the median of " + report.runFact("repetitions") +
            " repetitions, the competitors taking turns in each.");
        text(svg, LABEL_X, bottom + 82, 11, "normal", "#555", "start", "Command: " + report.runFact("command"));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private String subtitle()
    {
        final StringBuilder subtitle = new StringBuilder();
        subtitle.append(report.runFact("date")).append(" · ").append(report.machineFact("nproc")).append(" CPUs");
        final Object java = report.machineFact("java");
        if (java != null)
        {
            subtitle.append(" · ").append(java);
        }
        final Object python = report.machineFact("python");
        if (python != null)
        {
            subtitle.append(" · ").append(python);
        }
        if (Boolean.TRUE.equals(report.runFact("quick")))
        {
            subtitle.append(" · QUICK RUN (tiny sizes, not a measurement)");
        }
        return subtitle.toString();
    }

    private void legend(final StringBuilder svg, final int left, final int y)
    {
        svg.append(String.format(Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"%s\"/>\n", left, y - 10, CPYTHON_COLOUR));
        final Object startMethod = report.machineFact("pythonPoolStartMethod");
        text(svg, left + 20, y, 12, "normal", "#111", "start", "mp4j vs CPython multiprocessing" +
            (startMethod != null ? " (Pool: " + startMethod + ')' : ""));
        svg.append(String.format(Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"%s\"/>\n", left + 320, y - 10, PLAIN_JAVA_COLOUR));
        text(svg, left + 340, y, 12, "normal", "#111", "start",
            "mp4j vs plain Java (hand-rolled without mp4j: JVMs over stdio, or threads)");
    }

    private void axis(final StringBuilder svg, final int bottom)
    {
        for (final double tick : ticks())
        {
            final double x = x(tick);
            final boolean one = tick == 1;
            svg.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"/>\n",
                x, TOP - 6, x, bottom, one ? "#111" : "#ddd", one ? "2" : "1"));
            if (labelled(tick))
            {
                text(svg, x, bottom + 18, 11, one ? "bold" : "normal", "#333", "middle",
                    BigDecimal.valueOf(tick).round(new MathContext(1)).stripTrailingZeros().toPlainString() + "×");
            }
        }
    }

    private void row(final StringBuilder svg, final WorkloadResult result, final int top)
    {
        final Workload workload = result.workload();
        if (top > TOP)
        {
            svg.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eee\"/>\n", LABEL_X, top, PLOT_RIGHT, top));
        }
        text(svg, LABEL_X, top + 22, 14, "bold", "#111", "start", workload.id() + "  " + workload.name());
        text(svg, LABEL_X, top + 40, 11, "normal", "#555", "start",
            figureText(result, Competitor.MP4J) + " · " + figureText(result, Competitor.CPYTHON));
        text(svg, LABEL_X, top + 55, 11, "normal", "#555", "start",
            figureText(result, Competitor.PLAIN_JAVA) + " · " + workload.unit().symbol() + ", " +
            (workload.higherIsBetter() ? "higher" : "lower") + " is better");
        bar(svg, result, Competitor.CPYTHON, top + 12, CPYTHON_COLOUR);
        bar(svg, result, Competitor.PLAIN_JAVA, top + 34, PLAIN_JAVA_COLOUR);
    }

    private void bar(
        final StringBuilder svg, final WorkloadResult result, final Competitor other, final int y, final String colour)
    {
        final OptionalDouble ratio = result.mp4jAdvantageOver(other);
        final double one = x(1);
        if (ratio.isEmpty())
        {
            final Figure mp4j = result.figure(Competitor.MP4J);
            final String why = mp4j.hasValue() ?
                other.title() + ": " + result.figure(other).missingReason().orElse("") :
                "mp4j: " + mp4j.missingReason().orElse("");
            text(svg, one + 6, y + 12, 11, "normal", "#888", "start", "no ratio (" + why + ")");
            return;
        }
        final double end = x(ratio.getAsDouble());
        svg.append(String.format(Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>mp4j vs %s: %s</title></rect>\n",
            Math.min(one, end), y, Math.max(1, Math.abs(end - one)), BAR_HEIGHT, colour, other.title(),
            Numbers.ratio(ratio.getAsDouble())));
        final boolean better = ratio.getAsDouble() >= 1;
        text(svg, better ? end + 5 : end - 5, y + 12, 12, "bold", "#111", better ? "start" : "end",
            Numbers.ratio(ratio.getAsDouble()));
    }

    private static String figureText(final WorkloadResult result, final Competitor competitor)
    {
        final Figure figure = result.figure(competitor);
        return competitor.title() + ' ' + (figure.hasValue() ? Numbers.format(figure.median()) : "–");
    }

    private void scale(final List<WorkloadResult> results)
    {
        double min = 0.5;
        double max = 2;
        for (final WorkloadResult result : results)
        {
            for (final Competitor other : List.of(Competitor.CPYTHON, Competitor.PLAIN_JAVA))
            {
                final OptionalDouble ratio = result.mp4jAdvantageOver(other);
                if (ratio.isPresent())
                {
                    min = Math.min(min, ratio.getAsDouble());
                    max = Math.max(max, ratio.getAsDouble());
                }
            }
        }
        // Room for the value printed beyond each bar's end.
        low = stepBelow(min / 1.6);
        high = stepAbove(max * 1.6);
    }

    private boolean labelled(final double tick)
    {
        // Over a wide range only the decades are labelled, so that the labels do not run into each other.
        final boolean wide = Math.log10(high / low) > 2.5;
        final double mantissa = tick / Math.pow(10, Math.floor(Math.log10(tick) + 1e-9));
        return !wide || Math.abs(mantissa - 1) < 1e-6;
    }

    private List<Double> ticks()
    {
        final List<Double> ticks = new ArrayList<>();
        for (int decade = (int)Math.floor(Math.log10(low)); decade <= (int)Math.ceil(Math.log10(high)); decade++)
        {
            for (final double step : STEPS)
            {
                final double tick = step * Math.pow(10, decade);
                if (tick >= low * 0.999 && tick <= high * 1.001)
                {
                    ticks.add(tick);
                }
            }
        }
        return ticks;
    }

    private static double stepBelow(final double value)
    {
        final double decade = Math.pow(10, Math.floor(Math.log10(value)));
        double best = decade;
        for (final double step : STEPS)
        {
            if (step * decade <= value)
            {
                best = step * decade;
            }
        }
        return best;
    }

    private static double stepAbove(final double value)
    {
        final double decade = Math.pow(10, Math.floor(Math.log10(value)));
        for (final double step : STEPS)
        {
            if (step * decade >= value)
            {
                return step * decade;
            }
        }
        return 10 * decade;
    }

    private double x(final double ratio)
    {
        final double fraction = (Math.log(ratio) - Math.log(low)) / (Math.log(high) - Math.log(low));
        return PLOT_LEFT + fraction * (PLOT_RIGHT - PLOT_LEFT);
    }

    private static void text(
        final StringBuilder svg, final double x, final double y, final int size, final String weight,
        final String colour, final String anchor, final String text)
    {
        svg.append(String.format(Locale.ROOT,
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"%s\" fill=\"%s\" text-anchor=\"%s\">%s</text>\n",
            x, y, size, weight, colour, anchor, escape(text)));
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
