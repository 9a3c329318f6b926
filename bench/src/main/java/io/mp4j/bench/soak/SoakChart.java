package io.mp4j.bench.soak;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A soak's samples as a standalone SVG: three panels against minutes, resident memory (this JVM and its
 * children), files under the session, and MiB under the session and in use on its file system. Each
 * panel's vertical axis starts at zero, so a flat line reads as flat.
 */
final class SoakChart
{
    private static final int WIDTH = 900;
    private static final int PANEL_HEIGHT = 180;
    private static final int LEFT = 80;
    private static final int RIGHT = 860;
    private static final int TOP = 60;
    private static final int GAP = 50;
    private static final double MEBIBYTE = 1024.0 * 1024.0;
    private static final String[] COLOURS = {"#2f6fb5", "#e08a1e"};

    private SoakChart()
    {
    }

    static String svg(final List<SoakSample> samples, final String subtitle)
    {
        final int height = TOP + 3 * (PANEL_HEIGHT + GAP) + 20;
        final StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" " +
                "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">%n", WIDTH, height))
            .append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height))
            .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\">mp4j soak: pool, queue, lock," +
                " dict and pipe churn at once</text>%n", LEFT))
            .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"42\" fill=\"#555\">%s</text>%n", LEFT, escape(subtitle)));
        final double maxMinutes = samples.isEmpty() ? 1 : Math.max(samples.get(samples.size() - 1).seconds() / 60, 0.1);
        panel(svg, 0, "resident memory (MiB)", samples, maxMinutes,
            new String[]{"this JVM", "its children"},
            sample -> sample.parentRssBytes() / MEBIBYTE, sample -> sample.childrenRssBytes() / MEBIBYTE);
        panel(svg, 1, "files under the session", samples, maxMinutes,
            new String[]{"files"}, SoakSample::sessionFiles);
        panel(svg, 2, "MiB under the session / used on its file system", samples, maxMinutes,
            new String[]{"session", "file system"},
            sample -> sample.sessionBytes() / MEBIBYTE, sample -> sample.storeUsedBytes() / MEBIBYTE);
        return svg.append("</svg>\n").toString();
    }

    @SafeVarargs
    private static void panel(
        final StringBuilder svg,
        final int index,
        final String title,
        final List<SoakSample> samples,
        final double maxMinutes,
        final String[] names,
        final ToDoubleFunction<SoakSample>... series)
    {
        final int top = TOP + index * (PANEL_HEIGHT + GAP);
        final int bottom = top + PANEL_HEIGHT;
        double max = 0;
        for (final ToDoubleFunction<SoakSample> values : series)
        {
            for (final SoakSample sample : samples)
            {
                max = Math.max(max, values.applyAsDouble(sample));
            }
        }
        max = max <= 0 ? 1 : max * 1.1;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n",
            LEFT, top - 8, escape(title)));
        svg.append(String.format(Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
            LEFT, top, RIGHT - LEFT, PANEL_HEIGHT));
        for (int tick = 0; tick <= 4; tick++)
        {
            final double value = max * tick / 4;
            final double y = bottom - PANEL_HEIGHT * tick / 4.0;
            svg.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>%n", LEFT - 6, y + 4, label(value)));
            final double minutes = maxMinutes * tick / 4;
            final double x = LEFT + (RIGHT - LEFT) * tick / 4.0;
            svg.append(String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s min</text>%n", x, bottom + 16,
                label(minutes)));
        }
        for (int s = 0; s < series.length; s++)
        {
            final StringBuilder points = new StringBuilder();
            for (final SoakSample sample : samples)
            {
                final double x = LEFT + (RIGHT - LEFT) * (sample.seconds() / 60) / maxMinutes;
                final double y = bottom - PANEL_HEIGHT * series[s].applyAsDouble(sample) / max;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append(String.format(Locale.ROOT,
                "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", points.toString().trim(),
                COLOURS[s % COLOURS.length]));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
                RIGHT - 160, top + 18 + 16 * s, COLOURS[s % COLOURS.length], escape(names[s])));
        }
    }

    private static String label(final double value)
    {
        return value >= 100 || value == Math.rint(value) ?
            String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
