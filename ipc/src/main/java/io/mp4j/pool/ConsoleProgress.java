package io.mp4j.pool;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar for pool calls on a console: {@code [#####-----]  52% 520000/1000000 items 1.21M/s 0:03}.
 * On a terminal it redraws one line with {@code \r} and ends it when the call finishes; when standard
 * error is not a terminal (a log file, a CI run) it writes one line per report instead.
 */
public final class ConsoleProgress implements ProgressListener
{
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean redraw;

    /** A bar on {@code System.err}, redrawn in place when this JVM has a console. */
    public ConsoleProgress()
    {
        this(System.err, System.console() != null);
    }

    /**
     * A bar on a stream of your choice.
     *
     * @param out    where it is drawn.
     * @param redraw true to redraw one line with {@code \r}, false to write a line per report.
     */
    public ConsoleProgress(final PrintStream out, final boolean redraw)
    {
        this.out = out;
        this.redraw = redraw;
    }

    @Override
    public void progress(final PoolProgress progress)
    {
        final String line = line(progress);
        if (redraw)
        {
            out.print('\r' + line + (progress.finished() ? System.lineSeparator() : ""));
        }
        else
        {
            out.println(line);
        }
        out.flush();
    }

    /**
     * The text of one report, without a line end.
     *
     * @param progress the report.
     * @return e.g. {@code [###-------]  31% 31/100 items 12.0/s 0:02 map(items=100, chunksize=1)}.
     */
    static String line(final PoolProgress progress)
    {
        final double fraction = progress.total() == 0 ? 1 : (double)progress.done() / progress.total();
        final int filled = (int)Math.round(fraction * WIDTH);
        final long seconds = progress.elapsed().toSeconds();
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " +
            String.format(Locale.ROOT, "%3d%% %d/%d items %s/s %d:%02d %s", Math.round(fraction * 100),
                progress.done(), progress.total(), scaled(progress.rate()), seconds / 60, seconds % 60, progress.call());
    }

    private static String scaled(final double rate)
    {
        if (rate >= 1e6)
        {
            return String.format(Locale.ROOT, "%.2fM", rate / 1e6);
        }
        if (rate >= 1e3)
        {
            return String.format(Locale.ROOT, "%.1fk", rate / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f", rate);
    }
}
