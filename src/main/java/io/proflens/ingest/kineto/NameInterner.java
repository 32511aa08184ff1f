package io.proflens.ingest.kineto;

import io.proflens.model.StringTable;

/**
 * Front cache of a {@link StringTable} keyed by character ranges, so that an event name is interned straight from
 * the JSON parser's buffer without allocating a {@link String} when it was seen before (event names repeat a lot:
 * hundreds of thousands of events, a few thousand distinct names). Open addressing, linear probing.
 */
final class NameInterner {
    private final StringTable strings;
    private int[] ids;    // StringTable id + 1; 0 = empty slot
    private int[] hashes;
    private int size;
    private int mask;

    NameInterner(StringTable strings) {
        this.strings = strings;
        ids = new int[1024];
        hashes = new int[1024];
        mask = 1023;
    }

    /** @return the {@link StringTable} id of the characters {@code c[off, off+len)}. */
    int intern(char[] c, int off, int len) {
        int h = 0;
        for (int i = off, e = off + len; i < e; i++) {
            h = 31 * h + c[i];
        }
        int slot = spread(h) & mask;
        while (ids[slot] != 0) {
            if (hashes[slot] == h && same(strings.get(ids[slot] - 1), c, off, len)) {
                return ids[slot] - 1;
            }
            slot = (slot + 1) & mask;
        }
        int id = strings.intern(new String(c, off, len));
        insert(slot, h, id);
        return id;
    }

    /** @return the {@link StringTable} id of {@code s} ({@link StringTable#NONE} for null). */
    int intern(String s) {
        if (s == null) {
            return StringTable.NONE;
        }
        int h = s.hashCode();
        int slot = spread(h) & mask;
        while (ids[slot] != 0) {
            if (hashes[slot] == h && strings.get(ids[slot] - 1).equals(s)) {
                return ids[slot] - 1;
            }
            slot = (slot + 1) & mask;
        }
        int id = strings.intern(s);
        insert(slot, h, id);
        return id;
    }

    private void insert(int slot, int h, int id) {
        ids[slot] = id + 1;
        hashes[slot] = h;
        if (++size * 2 > ids.length) {
            rehash();
        }
    }

    private void rehash() {
        int[] oldIds = ids;
        int[] oldHashes = hashes;
        ids = new int[oldIds.length * 2];
        hashes = new int[oldIds.length * 2];
        mask = ids.length - 1;
        for (int i = 0; i < oldIds.length; i++) {
            if (oldIds[i] != 0) {
                int slot = spread(oldHashes[i]) & mask;
                while (ids[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                ids[slot] = oldIds[i];
                hashes[slot] = oldHashes[i];
            }
        }
    }

    private static int spread(int h) {
        return h ^ (h >>> 16) ^ (h >>> 7);
    }

    private static boolean same(String s, char[] c, int off, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != c[off + i]) {
                return false;
            }
        }
        return true;
    }
}
