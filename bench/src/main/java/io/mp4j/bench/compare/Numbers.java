package io.mp4j.bench.compare;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** How the comparison writes figures for people: three significant digits, with k and M for large ones. */
public final class Numbers
{
    private Numbers()
    {
    }

    /**
     * A figure to three significant digits: {@code 0.0123}, {@code 1.23}, {@code 123}, {@code 12.3 k},
     * {@code 1.23 M}.
     *
     * @param value the figure.
     * @return its text.
     */
    public static String format(final double value)
    {
        final double magnitude = Math.abs(value);
        if (magnitude >= 1e9)
        {
            return significant(value / 1e9) + " G";
        }
        if (magnitude >= 1e6)
        {
            return significant(value / 1e6) + " M";
        }
        if (magnitude >= 1e4)
        {
            return significant(value / 1e3) + " k";
        }
        return significant(value);
    }

    /**
     * A ratio as a multiplier to three significant digits: {@code 4.21×}, {@code 0.452×}.
     *
     * @param ratio the ratio.
     * @return its text.
     */
    public static String ratio(final double ratio)
    {
        return significant(ratio) + "×";
    }

    private static String significant(final double value)
    {
        final double magnitude = Math.abs(value);
        if (magnitude == 0)
        {
            return "0";
        }
        if (magnitude >= 100)
        {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return new BigDecimal(value).round(new MathContext(3)).toPlainString();
    }
}
