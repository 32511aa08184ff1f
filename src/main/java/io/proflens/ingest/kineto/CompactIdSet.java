package io.proflens.ingest.kineto;

import java.util.BitSet;

/**
 * Set of flow keys {@code (category << 48) ^ id}: a bit per id for the usual small dense ids (category < 16, id
 * below 2^26), a hash set for the rest. Kineto flow ids are correlation ids, so a trace of millions of flows
 * costs a bit each instead of two longs.
 */
final class CompactIdSet {
    private static final int CATEGORIES = 16;
    private static final long DENSE_LIMIT = 1L << 26;
    private final BitSet[] dense = new BitSet[CATEGORIES];
    private final LongSet sparse = new LongSet();

    private static boolean isDense(long key) {
        long cat = key >>> 48;
        long id = key & ((1L << 48) - 1);
        return cat < CATEGORIES && id < DENSE_LIMIT;
    }

    void add(long key) {
        if (isDense(key)) {
            int cat = (int) (key >>> 48);
            BitSet b = dense[cat];
            if (b == null) {
                b = new BitSet();
                dense[cat] = b;
            }
            b.set((int) (key & ((1L << 48) - 1)));
        } else {
            sparse.add(key);
        }
    }

    boolean contains(long key) {
        if (isDense(key)) {
            BitSet b = dense[(int) (key >>> 48)];
            return b != null && b.get((int) (key & ((1L << 48) - 1)));
        }
        return sparse.contains(key);
    }

    /** @return number of keys of this set that {@code other} does not contain. */
    long countMissingFrom(CompactIdSet other) {
        long n = 0;
        for (int c = 0; c < CATEGORIES; c++) {
            if (dense[c] == null) {
                continue;
            }
            BitSet mine = (BitSet) dense[c].clone();
            if (other.dense[c] != null) {
                mine.andNot(other.dense[c]);
            }
            n += mine.cardinality();
        }
        return n + sparse.countMissingFrom(other.sparse);
    }
}
