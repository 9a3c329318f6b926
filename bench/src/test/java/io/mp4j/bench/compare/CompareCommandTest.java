package io.mp4j.bench.compare;

import io.mp4j.session.Session;
import org.apache.ignite.Ignition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs {@code compare --quick} for real (child JVMs, the CPython script when {@code python3} is
 * there) and checks what it writes. Never asserts a speed: the figures only have to exist.
 */
class CompareCommandTest
{
    private static final List<String> WORKLOAD_FIELDS = List.of(
        "id", "workload", "unit", "higherIsBetter", "size", "sizeUnit", "repetitions",
        "mp4j", "cpython", "plainJava", "cluster", "mp4jVsCPython", "mp4jVsPlainJava", "clusterVsMp4j");
    /** The rows with a cluster figure: map, apply, queue, locked counter, dict. */
    private static final List<String> CLUSTER_ROWS = List.of("2", "3a", "4", "4b", "6", "7");
    private static final long CLEANUP_WAIT_MILLIS = 10_000;

    @Test
    void shouldWriteEveryWorkloadWithItsFiguresAndAWellFormedChart(@TempDir final Path output) throws Exception
    {
        assertEquals(0, CompareCommand.execute("--quick", "--output", output.toString()));

        final Map<String, Object> document = readJson(output.resolve("compare.json"));
        assertEquals(Boolean.TRUE, document.get("quick"));
        assertNotNull(document.get("date"));
        final Map<String, Object> machine = object(document, "machine");
        assertEquals((double)Runtime.getRuntime().availableProcessors(), machine.get("nproc"));
        assertNotNull(machine.get("java"));
        final boolean pythonMissing = "python3 not found".equals(machine.get("python"));

        final List<Object> workloads = list(document, "workloads");
        final List<String> expectedIds;
        try (Fixtures unused = new Fixtures(CPythonWorkloads.start("/nonexistent/python3", Duration.ofSeconds(1))))
        {
            expectedIds = StandardWorkloads.create(unused).stream().map(Workload::id).collect(Collectors.toList());
        }
        assertEquals(expectedIds, workloads.stream().map(w -> ((Map<?, ?>)w).get("id")).collect(Collectors.toList()));
        for (final Object element : workloads)
        {
            @SuppressWarnings("unchecked")
            final Map<String, Object> workload = (Map<String, Object>)element;
            for (final String field : WORKLOAD_FIELDS)
            {
                assertTrue(workload.containsKey(field), "workload " + workload.get("id") + " lacks " + field);
            }
            // mp4j runs every row; another competitor either has a figure or says why not, and never fails.
            assertPositive(object(workload, "mp4j").get("median"), workload, "mp4j");
            for (final String competitor : List.of("cpython", "plainJava"))
            {
                final Map<String, Object> figure = object(workload, competitor);
                if (figure.get("median") == null)
                {
                    final Object missing = figure.get("missing");
                    assertInstanceOf(String.class, missing, "workload " + workload.get("id") + " " + competitor);
                    assertFalse(((String)missing).isEmpty() || ((String)missing).startsWith("failed"),
                        "workload " + workload.get("id") + " " + competitor + ": " + missing);
                    assertNull(workload.get(competitor.equals("cpython") ? "mp4jVsCPython" : "mp4jVsPlainJava"));
                }
                else
                {
                    assertPositive(figure.get("median"), workload, competitor);
                    assertPositive(workload.get(competitor.equals("cpython") ? "mp4jVsCPython" : "mp4jVsPlainJava"),
                        workload, "ratio to " + competitor);
                }
            }
            if (pythonMissing)
            {
                assertEquals("python3 not found", object(workload, "cpython").get("missing"));
            }
            assertEquals(3, ((List<?>)object(workload, "mp4j").get("samples")).size());
            // The cluster runs its rows beside the local figure, with the ratio; the other rows say n/a.
            final Map<String, Object> cluster = object(workload, "cluster");
            if (CLUSTER_ROWS.contains(workload.get("id")))
            {
                assertPositive(cluster.get("median"), workload, "cluster");
                assertPositive(workload.get("clusterVsMp4j"), workload, "ratio of cluster to local");
                assertEquals(3, ((List<?>)cluster.get("samples")).size());
            }
            else
            {
                assertEquals("n/a", cluster.get("missing"), "workload " + workload.get("id"));
                assertNull(workload.get("clusterVsMp4j"));
            }
        }
        assertEquals(CLUSTER_ROWS, workloads.stream().map(w -> (Map<?, ?>)w)
            .filter(w -> ((Map<?, ?>)w.get("cluster")).get("median") != null).map(w -> w.get("id"))
            .collect(Collectors.toList()));

        final Document svg = readXml(output.resolve("compare.svg"));
        assertEquals("svg", svg.getDocumentElement().getLocalName());
        final String table = Files.readString(output.resolve("compare.txt"), StandardCharsets.UTF_8);
        assertTrue(table.contains("mp4j vs CPython"));
        assertTrue(table.contains("cluster vs local"));
    }

    @Test
    void shouldSayWhenPythonIsMissingAndStillSucceed(@TempDir final Path output) throws Exception
    {
        assertEquals(0, CompareCommand.execute("--quick", "--workload", "4", "--repetitions", "1", "--warmups", "0",
            "--python", "/nonexistent/python3", "--output", output.toString()));

        final List<Object> workloads = list(readJson(output.resolve("compare.json")), "workloads");
        assertEquals(1, workloads.size());
        @SuppressWarnings("unchecked")
        final Map<String, Object> workload = (Map<String, Object>)workloads.get(0);
        assertEquals("/nonexistent/python3 not found", object(workload, "cpython").get("missing"));
        assertNull(workload.get("mp4jVsCPython"));
        assertPositive(object(workload, "mp4j").get("median"), workload, "mp4j");
        readXml(output.resolve("compare.svg"));
    }

    @Test
    void shouldStartEveryChildOnTheChildJavaAndSaySo(@TempDir final Path output) throws Exception
    {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assertEquals(0, CompareCommand.execute("--quick", "--workload", "8a", "--repetitions", "1", "--warmups", "0",
            "--child-java", java.toString(), "--python", "/nonexistent/python3", "--output", output.toString()));

        final String childJava = (String)object(readJson(output.resolve("compare.json")), "machine").get("childJava");
        assertNotNull(childJava);
        assertTrue(childJava.startsWith(java + " (Java " + Runtime.version().feature()), childJava);
        final String table = Files.readString(output.resolve("compare.txt"), StandardCharsets.UTF_8);
        assertTrue(table.contains("; children on " + java), table);
        assertNull(System.getProperty("mp4j.child.java"), "the run leaves the property as it found it");
        assertEquals(2, CompareCommand.execute("--quick", "--workload", "8a", "--child-java", "/nonexistent/java",
            "--python", "/nonexistent/python3", "--output", output.toString()));
    }

    @Test
    void shouldLeaveOutTheCompetitorsItIsToldTo(@TempDir final Path output) throws Exception
    {
        assertEquals(0, CompareCommand.execute("--quick", "--workload", "3a", "--repetitions", "1", "--warmups", "0",
            "--leave-out", "cluster,plainJava", "--python", "/nonexistent/python3", "--output", output.toString()));

        @SuppressWarnings("unchecked")
        final Map<String, Object> workload =
            (Map<String, Object>)list(readJson(output.resolve("compare.json")), "workloads").get(0);
        assertEquals("left out", object(workload, "cluster").get("missing"));
        assertEquals("left out", object(workload, "plainJava").get("missing"));
        assertPositive(object(workload, "mp4j").get("median"), workload, "mp4j");
        assertEquals(2, CompareCommand.execute("--quick", "--workload", "3a", "--leave-out", "mp4j",
            "--python", "/nonexistent/python3", "--output", output.toString()));
    }

    @Test
    void shouldRejectAnUnknownWorkload(@TempDir final Path output)
    {
        assertEquals(2, CompareCommand.execute("--quick", "--workload", "99", "--python", "/nonexistent/python3",
            "--output", output.toString()));
    }

    @AfterAll
    static void shouldLeaveNoProcessOrSessionFileBehind() throws Exception
    {
        final long deadline = System.currentTimeMillis() + CLEANUP_WAIT_MILLIS;
        List<ProcessHandle> alive = descendants();
        List<Path> files = sessionFiles();
        while ((!alive.isEmpty() || !files.isEmpty()) && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(50);
            alive = descendants();
            files = sessionFiles();
        }
        if (!alive.isEmpty())
        {
            final String described = alive.stream()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .collect(Collectors.joining("; "));
            alive.forEach(ProcessHandle::destroyForcibly);
            fail("processes still running after compare: " + described);
        }
        assertEquals(List.of(), files, "files left in the session after compare");
        assertEquals(List.of(), Ignition.allGrids(), "cluster client still connected after compare");
        try (Stream<Path> temporary = Files.list(Path.of(System.getProperty("java.io.tmpdir"))))
        {
            final String ours = LoopbackCluster.DIRECTORY_PREFIX + ProcessHandle.current().pid() + '-';
            assertEquals(List.of(), temporary.filter(file -> file.getFileName().toString().startsWith(ours))
                .collect(Collectors.toList()), "cluster directory left after compare");
        }
    }

    private static List<ProcessHandle> descendants()
    {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).collect(Collectors.toList());
    }

    /** Files in the session, but for this JVM's own doorbells, which live as long as the session. */
    private static List<Path> sessionFiles() throws IOException
    {
        final String ownBells = "bell-" + ProcessHandle.current().pid() + "-";
        try (Stream<Path> entries = Files.list(Session.current().directory()))
        {
            return entries.filter(file -> !file.getFileName().toString().startsWith(ownBells))
                .collect(Collectors.toList());
        }
    }

    private static void assertPositive(final Object value, final Map<String, Object> workload, final String field)
    {
        assertInstanceOf(Double.class, value, "workload " + workload.get("id") + " " + field + ": " + workload);
        assertTrue((Double)value > 0, "workload " + workload.get("id") + " " + field + " = " + value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJson(final Path file) throws IOException
    {
        return (Map<String, Object>)Json.parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(final Map<String, Object> parent, final String field)
    {
        return (Map<String, Object>)assertInstanceOf(Map.class, parent.get(field), field);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(final Map<String, Object> parent, final String field)
    {
        return (List<Object>)assertInstanceOf(List.class, parent.get(field), field);
    }

    private static Document readXml(final Path file) throws Exception
    {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }
}
