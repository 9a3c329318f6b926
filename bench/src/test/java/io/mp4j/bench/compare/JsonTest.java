package io.mp4j.bench.compare;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest
{
    @Test
    void shouldReadBackWhatItWrites()
    {
        final Map<String, Object> document = new LinkedHashMap<>();
        document.put("name", "3a \"map\" \\ µs\n");
        document.put("median", 1.5e6);
        document.put("count", 3);
        document.put("missing", null);
        document.put("ok", true);
        document.put("samples", List.of(1.25, 2.0));
        document.put("nested", List.of(Map.of("a", 1.0), List.of()));
        document.put("empty", Map.of());

        final Map<String, Object> expected = new LinkedHashMap<>(document);
        expected.put("count", 3.0);
        expected.put("median", 1.5e6);
        assertEquals(expected, Json.parse(Json.write(document)));
    }

    @Test
    void shouldWriteNonFiniteNumbersAsNull()
    {
        assertEquals("[null, null, 2]", Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, 2.0)));
    }

    @Test
    void shouldParsePythonsOutput()
    {
        assertEquals(Map.of("ok", true, "value", 6324146.547100806, "numpy", "2.4.6"),
            Json.parse("{\"ok\": true, \"value\": 6324146.547100806, \"numpy\": \"2.4.6\"}"));
        assertEquals(Map.of("e", 1.0e-5, "u", "é"), Json.parse("{\"e\": 1e-05, \"u\": \"\\u00e9\"}"));
    }

    @Test
    void shouldRejectMalformedText()
    {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"ok\": tru}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"ok\": true} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"open"));
    }
}
