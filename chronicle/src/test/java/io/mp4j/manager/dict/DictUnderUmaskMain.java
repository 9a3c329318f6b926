package io.mp4j.manager.dict;

import io.mp4j.session.Session;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * A JVM the permissions test starts under {@code umask 000}: it makes a dict in a session of its own
 * and prints each file's permissions, after those of a file made the plain way, which show the umask.
 */
public final class DictUnderUmaskMain
{
    private DictUnderUmaskMain()
    {
    }

    /**
     * Makes the dict and prints {@code control <permissions>}, then {@code file <name> <permissions>} for
     * each file of the session.
     *
     * @param args the directory under which the session is made.
     * @throws IOException if a file cannot be listed.
     */
    public static void main(final String[] args) throws IOException
    {
        final Path root = Paths.get(args[0]);
        final Path control = root.resolve("control");
        new RandomAccessFile(control.toFile(), "rw").close();
        System.out.println("control " + PosixFilePermissions.toString(Files.getPosixFilePermissions(control)));
        try (Session session = Session.create(root.resolve("sessions")))
        {
            final SharedDict<String, Integer> dict = SharedDict.create(session, "dict-umask", 10);
            dict.put("a", 1);
            try (Stream<Path> files = Files.walk(session.directory()))
            {
                for (final Path file : (Iterable<Path>)files::iterator)
                {
                    System.out.println("file " + session.directory().relativize(file) + " " +
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
                }
            }
            dict.delete();
        }
        System.out.println("finished");
    }
}
