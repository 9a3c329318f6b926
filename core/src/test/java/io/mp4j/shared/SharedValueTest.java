package io.mp4j.shared;

import io.mp4j.ForgedStreams;
import io.mp4j.RegionLayoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.internal.region.RegionCache;
import io.mp4j.session.Session;
import io.mp4j.sync.SharedLock;
import io.mp4j.sync.SharedRLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@SuppressWarnings("try") // try (var held = lock.acquire()) marks a held section, as Python's "with lock:"
class SharedValueTest
{
    private static Session session;

    @BeforeAll
    static void createSession()
    {
        session = Session.create();
    }

    @AfterAll
    static void closeSession()
    {
        session.close();
    }

    @SuppressWarnings("unchecked")
    private static <T> T copy(final T handle)
    {
        return (T)JavaSerialization.deserialize(JavaSerialization.serialize(handle, "handle"), "handle");
    }

    @Test
    void shouldDoAtomicLongOperations()
    {
        final SharedLong value = SharedLong.create(session, 5, true, WaitStrategy.DEFAULT);
        assertEquals(5, value.get());
        assertEquals(5, value.getAndAdd(3));
        assertEquals(10, value.addAndGet(2));
        assertEquals(11, value.incrementAndGet());
        assertEquals(10, value.decrementAndGet());
        assertEquals(10, value.getAndIncrement());
        assertEquals(11, value.getAndDecrement());
        assertTrue(value.compareAndSet(10, 20));
        assertFalse(value.compareAndSet(10, 30));
        assertEquals(20, value.compareAndExchange(1, 2));
        assertEquals(20, value.getAndSet(7));
        value.setRelease(8);
        assertEquals(8, value.getAcquire());
        value.lazySet(9);
        assertEquals(9, value.getPlain());
        value.set(Long.MIN_VALUE);
        assertEquals(Long.MIN_VALUE, copy(value).get());
    }

    @Test
    void shouldDoAtomicIntOperations()
    {
        final SharedInt value = SharedInt.createRaw(0);
        assertEquals(1, value.incrementAndGet());
        assertEquals(1, value.getAndAdd(Integer.MAX_VALUE));
        assertEquals(Integer.MIN_VALUE, value.get());
        assertTrue(value.compareAndSet(Integer.MIN_VALUE, 3));
        assertEquals(3, copy(value).get());
        assertFalse(value.hasLock());
        assertThrows(UnsupportedOperationException.class, value::getLock);
    }

    @Test
    void shouldDoDoubleOperationsOnRawBits()
    {
        final SharedDouble value = SharedDouble.create(session, 1.5, false, WaitStrategy.DEFAULT);
        assertEquals(1.5, value.getAndAdd(1.0));
        assertEquals(3.0, value.addAndGet(0.5));
        assertTrue(value.compareAndSet(3.0, Double.NaN));
        assertTrue(value.compareAndSet(Double.NaN, -0.0));
        assertFalse(value.compareAndSet(0.0, 1.0));
        assertEquals(-0.0, value.getAndSet(2.25));
        assertEquals(2.25, copy(value).get());
    }

    @Test
    void shouldWrapBytesAndLeaveNeighboursAlone()
    {
        final SharedByte value = SharedByte.create(session, (byte)127, true, WaitStrategy.DEFAULT);
        assertEquals((byte)-128, value.incrementAndGet());
        assertEquals((byte)-128, value.getAndAdd(2));
        assertEquals((byte)-126, value.get());
        assertTrue(value.compareAndSet((byte)-126, (byte)7));
        assertEquals((byte)7, value.getAndSet((byte)1));
        assertEquals((byte)0, value.decrementAndGet());
        assertEquals((byte)0, copy(value).get());

        final SharedByteArray array = SharedByteArray.create(8);
        array.set(3, (byte)-1);
        assertEquals((byte)-1, array.addAndGet(2, -1));
        assertTrue(array.compareAndSet(1, (byte)0, (byte)5));
        assertEquals((byte)-1, array.getAndSet(3, (byte)9));
        assertArrayEquals(new byte[]{0, 5, -1, 9, 0, 0, 0, 0}, array.toArray());
    }

    @Test
    void shouldCarryItsOwnReentrantLockWhenLocked() throws Exception
    {
        final SharedInt value = SharedInt.create(0);
        assertTrue(value.hasLock());
        final SharedInt other = copy(value);
        try (var held = value.getLock().acquire())
        {
            assertTrue(other.getLock().isHeldByCurrentThread());
            value.set(value.get() + 1);
            assertFalse(CompletableFuture.supplyAsync(() -> other.getLock().tryLock()).get());
        }
        assertEquals(1, other.get());
    }

    @Test
    void shouldShareAnExistingLockWhenCreatedOnIt() throws Exception
    {
        final SharedLock lock = SharedLock.create(session, WaitStrategy.DEFAULT);
        final SharedLong value = SharedLong.create(session, 7, lock);
        final SharedIntArray array = SharedIntArray.create(session, 3, lock);
        assertTrue(value.hasLock());
        assertSame(lock, value.getLock());
        assertSame(lock, array.getLock());
        assertEquals(7, value.get());
        assertEquals(3, array.length());

        final SharedLong valueCopy = copy(value);
        final SharedIntArray arrayCopy = copy(array);
        assertTrue(valueCopy.getLock() instanceof SharedLock);
        try (var held = valueCopy.getLock().acquire())
        {
            assertTrue(lock.isHeldByCurrentThread());
            assertTrue(arrayCopy.getLock().isHeldByCurrentThread());
            assertFalse(CompletableFuture.supplyAsync(() -> array.getLock().tryLock()).get());
        }
        assertFalse(lock.isLocked());

        final SharedRLock rlock = SharedRLock.create(session, WaitStrategy.DEFAULT);
        final SharedDouble rvalue = SharedDouble.create(1.5, rlock);
        assertSame(rlock, rvalue.getLock());
        assertTrue(copy(rvalue).getLock() instanceof SharedRLock);

        // Closing a value leaves the lock it shares usable.
        value.close();
        assertFalse(lock.isClosed());
        assertTrue(lock.tryLock());
        lock.unlock();
    }

    @Test
    void shouldRefuseHandleThatLostItsSharedLock()
    {
        final SharedInt value = SharedInt.create(session, 1, SharedLock.create(session, WaitStrategy.DEFAULT));
        final SharedHandle handle = (SharedHandle)serialReplacement(value);
        final SharedHandle withoutLock = new SharedHandle(handle.file(), handle.kind(), handle.type(),
            handle.waitStrategy(), null, handle.sender());
        final Exception ex = assertThrows(Exception.class, () -> copy(withoutLock));
        assertTrue(String.valueOf(ex.getCause()).contains("without the lock it shares"), String.valueOf(ex));
    }

    @Test
    void shouldCopyAndViewArraysWithoutCopyingTheMemory()
    {
        final SharedDoubleArray array = SharedDoubleArray.of(1.0, 2.0, 3.0, 4.0);
        assertEquals(4, array.length());
        assertEquals(2.0, array.view().getDouble(Double.BYTES));
        array.view().putDouble(3 * Double.BYTES, 40.0);
        assertEquals(40.0, array.get(3));
        assertEquals(5.0, array.addAndGet(0, 4.0));

        final double[] part = new double[2];
        array.copyTo(1, part, 0, 2);
        assertArrayEquals(new double[]{2.0, 3.0}, part);
        array.copyFrom(new double[]{-1.0, -2.0}, 0, 2, 2);
        assertArrayEquals(new double[]{5.0, 2.0, -1.0, -2.0}, copy(array).toArray());
        assertEquals("SharedDoubleArray{length=4, [5.0, 2.0, -1.0, -2.0]}", copy(array).toString());

        assertThrows(IndexOutOfBoundsException.class, () -> array.get(4));
        assertThrows(IndexOutOfBoundsException.class, () -> array.copyFrom(new double[5]));

        final SharedLongArray longs = SharedLongArray.of(1, 2, 3);
        assertEquals(3, longs.incrementAndGet(1));
        assertArrayEquals(new long[]{1, 3, 3}, copy(longs).toArray());
        final SharedIntArray ints = SharedIntArray.create(session, 3, false, WaitStrategy.DEFAULT);
        ints.copyFrom(new int[]{7, 8, 9});
        assertEquals(9, ints.getAndAdd(2, 1));
        assertArrayEquals(new int[]{7, 8, 10}, copy(ints).toArray());
    }

    @Test
    void shouldAttachEachRegionOnceWhenManyHandlesArrive()
    {
        final SharedLong value = SharedLong.create(1);
        final byte[] bytes = JavaSerialization.serialize(value, "value");
        final int before = RegionCache.openCount();
        for (int i = 0; i < 100; i++)
        {
            assertEquals(1, ((SharedLong)JavaSerialization.deserialize(bytes, "value")).get());
        }
        assertEquals(before, RegionCache.openCount());
    }

    @Test
    void shouldRefuseHandleOfAnotherType()
    {
        final SharedLong value = SharedLong.create(1);
        final SharedHandle handle = (SharedHandle)serialReplacement(value);
        final SharedHandle asInt = new SharedHandle(handle.file(), handle.kind(), ValueDescriptor.TYPE_INT,
            handle.waitStrategy(), null, handle.sender());
        final Exception ex = assertThrows(Exception.class, () -> copy(asInt));
        assertTrue(String.valueOf(ex.getCause()).contains("type=long('q') expected=int('i')"), String.valueOf(ex));
        assertTrue(ex.getCause() instanceof RegionLayoutException, String.valueOf(ex));
    }

    static Stream<Class<?>> sharedClasses()
    {
        return Stream.of(SharedInt.class, SharedLong.class, SharedDouble.class, SharedByte.class,
            SharedIntArray.class, SharedLongArray.class, SharedDoubleArray.class, SharedByteArray.class);
    }

    @ParameterizedTest
    @MethodSource("sharedClasses")
    void shouldRefuseStreamThatNamesTheClassInsteadOfItsHandle(final Class<?> type)
    {
        ForgedStreams.assertRefused(type);
    }

    @Test
    void shouldThrowInsteadOfCrashingAfterClose()
    {
        final SharedLong value = SharedLong.create(1);
        final SharedDoubleArray array = SharedDoubleArray.createRaw(4);
        value.close();
        array.close();
        assertTrue(value.isClosed());
        assertThrows(IndexOutOfBoundsException.class, value::incrementAndGet);
        assertThrows(IndexOutOfBoundsException.class, () -> array.set(0, 1.0));
        assertThrows(IndexOutOfBoundsException.class, () -> array.view().getDouble(0));
        assertEquals("SharedLong{closed}", value.toString());
    }

    private static Object serialReplacement(final SharedMemoryHandle handle)
    {
        return handle.handle();
    }
}
