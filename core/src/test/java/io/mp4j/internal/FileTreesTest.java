package io.mp4j.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class FileTreesTest
{
    @Test
    void shouldRemoveATreeButNotWhatItsLinksPointAt(@TempDir final Path temporary) throws Exception
    {
        final Path outside = Files.createDirectories(temporary.resolve("outside"));
        final Path kept = Files.writeString(outside.resolve("kept"), "x");
        final Path tree = Files.createDirectories(temporary.resolve("tree/a/b"));
        Files.writeString(tree.resolve("file"), "y");
        Files.createSymbolicLink(temporary.resolve("tree/a/link"), outside);

        FileTrees.delete(temporary.resolve("tree"));

        assertTrue(Files.notExists(temporary.resolve("tree")), "the tree is gone");
        assertTrue(Files.exists(kept), "the link's target is untouched");
    }

    @Test
    void shouldTakeAMissingTreeAsRemoved(@TempDir final Path temporary)
    {
        FileTrees.delete(temporary.resolve("never-made"));
        assertTrue(Files.notExists(temporary.resolve("never-made")));
    }
}
