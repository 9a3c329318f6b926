package io.mp4j.bench.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for the comparison, so that the bench jar needs no JSON library: writes maps
 * (in their iteration order), lists, strings, numbers, booleans and {@code null}, indented; and parses
 * the same back, objects as {@link LinkedHashMap}, arrays as {@link ArrayList}, numbers as
 * {@link Double}.
 */
public final class Json
{
    private final String text;
    private int position;

    private Json(final String text)
    {
        this.text = text;
    }

    /**
     * Writes a value as indented JSON. A non-finite number is written as {@code null}, which is all
     * JSON can say about it.
     *
     * @param value a {@link Map} with string keys, an {@link Iterable}, a {@link CharSequence}, a
     *              {@link Number}, a {@link Boolean}, or {@code null}.
     * @return the JSON text, without a trailing newline.
     * @throws IllegalArgumentException if the value holds anything else.
     */
    public static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    /**
     * Parses a JSON text.
     *
     * @param text the text; surrounding whitespace is allowed.
     * @return the value: a map, a list, a string, a double, a boolean or {@code null}.
     * @throws IllegalArgumentException if the text is not one well-formed JSON value.
     */
    public static Object parse(final String text)
    {
        final Json parser = new Json(text);
        final Object value = parser.value();
        parser.skipWhitespace();
        if (parser.position != text.length())
        {
            throw parser.error("trailing characters");
        }
        return value;
    }

    private static void write(final Object value, final StringBuilder out, final int depth)
    {
        if (value == null)
        {
            out.append("null");
        }
        else if (value instanceof Map)
        {
            final Map<?, ?> map = (Map<?, ?>)value;
            if (map.isEmpty())
            {
                out.append("{}");
                return;
            }
            out.append('{');
            String separator = "\n";
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                out.append(separator);
                indent(out, depth + 1);
                writeString(String.valueOf(entry.getKey()), out);
                out.append(": ");
                write(entry.getValue(), out, depth + 1);
                separator = ",\n";
            }
            out.append('\n');
            indent(out, depth);
            out.append('}');
        }
        else if (value instanceof Iterable)
        {
            writeArray((Iterable<?>)value, out, depth);
        }
        else if (value instanceof CharSequence)
        {
            writeString(value.toString(), out);
        }
        else if (value instanceof Number)
        {
            writeNumber((Number)value, out);
        }
        else if (value instanceof Boolean)
        {
            out.append(value);
        }
        else
        {
            throw new IllegalArgumentException("cannot write as JSON: class=" + value.getClass().getName());
        }
    }

    private static void writeArray(final Iterable<?> values, final StringBuilder out, final int depth)
    {
        boolean scalars = true;
        boolean empty = true;
        for (final Object element : values)
        {
            empty = false;
            scalars &= !(element instanceof Map || element instanceof Iterable);
        }
        if (empty)
        {
            out.append("[]");
            return;
        }
        out.append('[');
        String separator = scalars ? "" : "\n";
        for (final Object element : values)
        {
            out.append(separator);
            if (!scalars)
            {
                indent(out, depth + 1);
            }
            write(element, out, depth + 1);
            separator = scalars ? ", " : ",\n";
        }
        if (!scalars)
        {
            out.append('\n');
            indent(out, depth);
        }
        out.append(']');
    }

    private static void writeNumber(final Number number, final StringBuilder out)
    {
        if (number instanceof Integer || number instanceof Long)
        {
            out.append(number.longValue());
            return;
        }
        final double value = number.doubleValue();
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            out.append("null");
        }
        else if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            out.append((long)value);
        }
        else
        {
            out.append(value);
        }
    }

    private static void writeString(final String value, final StringBuilder out)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    private static void indent(final StringBuilder out, final int depth)
    {
        for (int i = 0; i < depth; i++)
        {
            out.append("  ");
        }
    }

    private Object value()
    {
        skipWhitespace();
        if (position >= text.length())
        {
            throw error("unexpected end");
        }
        final char c = text.charAt(position);
        switch (c)
        {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        position++;
        skipWhitespace();
        if (peek() == '}')
        {
            position++;
            return map;
        }
        while (true)
        {
            skipWhitespace();
            if (peek() != '"')
            {
                throw error("expected a string key");
            }
            final String key = string();
            skipWhitespace();
            expect(':');
            map.put(key, value());
            skipWhitespace();
            if (peek() == ',')
            {
                position++;
            }
            else
            {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array()
    {
        final List<Object> list = new ArrayList<>();
        position++;
        skipWhitespace();
        if (peek() == ']')
        {
            position++;
            return list;
        }
        while (true)
        {
            list.add(value());
            skipWhitespace();
            if (peek() == ',')
            {
                position++;
            }
            else
            {
                expect(']');
                return list;
            }
        }
    }

    private String string()
    {
        position++;
        final StringBuilder out = new StringBuilder();
        while (true)
        {
            if (position >= text.length())
            {
                throw error("unterminated string");
            }
            final char c = text.charAt(position++);
            if (c == '"')
            {
                return out.toString();
            }
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            if (position >= text.length())
            {
                throw error("unterminated escape");
            }
            final char escaped = text.charAt(position++);
            switch (escaped)
            {
                case '"':
                case '\\':
                case '/':
                    out.append(escaped);
                    break;
                case 'b':
                    out.append('\b');
                    break;
                case 'f':
                    out.append('\f');
                    break;
                case 'n':
                    out.append('\n');
                    break;
                case 'r':
                    out.append('\r');
                    break;
                case 't':
                    out.append('\t');
                    break;
                case 'u':
                    if (position + 4 > text.length())
                    {
                        throw error("short unicode escape");
                    }
                    try
                    {
                        out.append((char)Integer.parseInt(text.substring(position, position + 4), 16));
                    }
                    catch (final NumberFormatException ex)
                    {
                        throw error("bad unicode escape");
                    }
                    position += 4;
                    break;
                default:
                    throw error("bad escape");
            }
        }
    }

    private Object literal(final String word, final Object value)
    {
        if (!text.startsWith(word, position))
        {
            throw error("expected " + word);
        }
        position += word.length();
        return value;
    }

    private Double number()
    {
        final int start = position;
        while (position < text.length() && "+-0123456789.eE".indexOf(text.charAt(position)) >= 0)
        {
            position++;
        }
        if (start == position)
        {
            throw error("unexpected character");
        }
        try
        {
            return Double.valueOf(text.substring(start, position));
        }
        catch (final NumberFormatException ex)
        {
            position = start;
            throw error("bad number");
        }
    }

    private char peek()
    {
        if (position >= text.length())
        {
            throw error("unexpected end");
        }
        return text.charAt(position);
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("expected '" + c + "'");
        }
        position++;
    }

    private void skipWhitespace()
    {
        while (position < text.length() && Character.isWhitespace(text.charAt(position)))
        {
            position++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException("malformed JSON: " + what + " at=" + position);
    }
}
