package io.mp4j;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RemoteExceptionTest
{
    @Test
    void shouldCarryClassMessageFramesAndCauses()
    {
        final IllegalStateException original =
            new IllegalStateException("boom", new java.io.IOException("disk gone"));

        final RemoteThrowable decoded = RemoteException.decode(RemoteException.encode(original));
        final RemoteException remote = new RemoteException("child failed: name=c pid=1", decoded);

        assertEquals("java.lang.IllegalStateException", remote.remoteClassName());
        assertEquals("boom", remote.remoteMessage());
        assertEquals(original.getStackTrace().length, decoded.getStackTrace().length);
        assertEquals(original.getStackTrace()[0], decoded.getStackTrace()[0]);
        assertEquals("java.io.IOException: disk gone", decoded.getCause().toString());
        assertTrue(remote.getMessage().contains("java.lang.IllegalStateException: boom"), remote.getMessage());
        assertTrue(remote.remoteStackTrace().contains("Caused by: java.io.IOException: disk gone"));
        assertTrue(remote.remoteStackTrace().contains("shouldCarryClassMessageFramesAndCauses"));
    }

    @Test
    void shouldEncodeNullMessageAndCyclicCauses()
    {
        final RuntimeException first = new RuntimeException();
        final RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        final RemoteThrowable decoded = RemoteException.decode(RemoteException.encode(first));
        assertNull(decoded.getMessage());
        assertEquals("second", decoded.getCause().getMessage());
        assertNull(decoded.getCause().getCause(), "a cycle is cut, not followed forever");
    }

    @Test
    void shouldRefuseBytesThatAreNotAnEncodedException()
    {
        assertThrows(Mp4jException.class, () -> RemoteException.decode(new byte[]{1, 2, 3, 4, 5, 6, 7, 8}));
        assertThrows(Mp4jException.class, () -> RemoteException.decode(new byte[]{0x4D}));
    }
}
