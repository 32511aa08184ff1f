package io.proflens.ingest.kineto;

import java.util.Arrays;

/**
 * Open-addressing set of {@code long} keys without boxing (flow-event ids for the pairing check: tens of
 * thousands per trace). {@link Long#MIN_VALUE} is reserved.
 */
final class LongSet {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys = new long[64];
    private int size;

    LongSet() {
        Arrays.fill(keys, EMPTY);
    }

    /** Adds {@code key}; {@link Long#MIN_VALUE} is folded onto {@code Long.MIN_VALUE + 1}. */
    void add(long key) {
        long k = key == EMPTY ? EMPTY + 1 : key;
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = hash(k) & mask;
        while (keys[i] != EMPTY) {
            if (keys[i] == k) {
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = k;
        size++;
    }

    boolean contains(long key) {
        long k = key == EMPTY ? EMPTY + 1 : key;
        int mask = keys.length - 1;
        int i = hash(k) & mask;
        while (keys[i] != EMPTY) {
            if (keys[i] == k) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    int size() {
        return size;
    }

    /** @return number of keys of this set that {@code other} does not contain. */
    long countMissingFrom(LongSet other) {
        long n = 0;
        for (long k : keys) {
            if (k != EMPTY && !other.contains(k)) {
                n++;
            }
        }
        return n;
    }

    private void grow() {
        long[] old = keys;
        keys = new long[old.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (long k : old) {
            if (k != EMPTY) {
                add(k);
            }
        }
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
