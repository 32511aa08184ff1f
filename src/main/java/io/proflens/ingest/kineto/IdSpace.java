package io.proflens.ingest.kineto;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the raw ids of one kind (host pids, host tids, GPU devices, GPU streams) onto the 24 bits that
 * {@link io.proflens.model.GlobalIds} gives them, keeping distinct raw ids distinct.
 *
 * <p>An integer in {@code [0, 2^24)} maps to itself. Anything else — negative ids (Kineto writes some thread ids
 * as truncated {@code pthread_t}, e.g. {@code -549452224}), ids of 2^24 and more, non-numeric strings — gets a
 * replacement handed out downwards from {@code 0xFFFFFF}, skipping values already used as themselves. A raw id
 * that later equals a handed-out replacement is remapped as well, so the mapping stays injective whatever the
 * order of the file. Every remapped raw id is counted once ({@link #remappedCount()}).
 */
final class IdSpace {
    static final int MAX = 0xFFFFFF;

    private final String label;
    private final BitSet usedAsSelf = new BitSet();
    private final BitSet handedOut = new BitSet();
    private final Map<Long, Integer> numeric = new HashMap<>();
    private final Map<String, Integer> strings = new HashMap<>();
    private final List<String> examples = new ArrayList<>();
    private int next = MAX;

    /** @param label what the ids are ("tid", "pid", ...), for messages */
    IdSpace(String label) {
        this.label = label;
    }

    /** @return the 24-bit id of numeric raw id {@code raw}, allocating a replacement when needed. */
    int map(long raw) {
        if (raw >= 0 && raw <= MAX && !handedOut.get((int) raw)) {
            usedAsSelf.set((int) raw);
            return (int) raw;
        }
        Integer v = numeric.get(raw);
        if (v != null) {
            return v;
        }
        int id = allocate();
        numeric.put(raw, id);
        note(Long.toString(raw), id);
        return id;
    }

    /** @return the 24-bit id of string raw id {@code raw} (an integer literal counts as that number). */
    int map(String raw) {
        Long asNumber = parseLong(raw);
        if (asNumber != null) {
            return map(asNumber.longValue());
        }
        Integer v = strings.get(raw);
        if (v != null) {
            return v;
        }
        int id = allocate();
        strings.put(raw, id);
        note('"' + raw + '"', id);
        return id;
    }

    /** @return the id {@code raw} already maps to, or -1 when it has not been mapped (never allocates). */
    int peek(long raw) {
        if (raw >= 0 && raw <= MAX && usedAsSelf.get((int) raw) && !handedOut.get((int) raw)) {
            return (int) raw;
        }
        Integer v = numeric.get(raw);
        return v == null ? -1 : v;
    }

    /** @return as {@link #peek(long)} for a string id. */
    int peek(String raw) {
        Long asNumber = parseLong(raw);
        if (asNumber != null) {
            return peek(asNumber.longValue());
        }
        Integer v = strings.get(raw);
        return v == null ? -1 : v;
    }

    /** @return number of distinct raw ids that were remapped. */
    int remappedCount() {
        return numeric.size() + strings.size();
    }

    /** @return up to five "raw → id" examples, for the import issue message. */
    String examples() {
        return label + " " + String.join(", ", examples);
    }

    private int allocate() {
        while (next >= 0 && (usedAsSelf.get(next) || handedOut.get(next))) {
            next--;
        }
        if (next < 0) {
            throw new IllegalStateException("more than 2^24 distinct " + label + " values");
        }
        handedOut.set(next);
        return next--;
    }

    private void note(String raw, int id) {
        if (examples.size() < 5) {
            examples.add(raw + " -> " + id);
        }
    }

    private static Long parseLong(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.length() > 19) {
            return null;
        }
        int i = t.charAt(0) == '-' ? 1 : 0;
        if (i == t.length()) {
            return null;
        }
        for (int k = i; k < t.length(); k++) {
            if (t.charAt(k) < '0' || t.charAt(k) > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
