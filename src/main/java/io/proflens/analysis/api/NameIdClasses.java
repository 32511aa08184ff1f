package io.proflens.analysis.api;

import io.proflens.model.StringTable;
import java.util.Arrays;
import java.util.function.ToIntFunction;

/**
 * Memoised classification of interned names: each string id is classified once, so a scan over millions of API
 * rows costs one array lookup per row. The classifier maps a name (never {@code null}; {@link StringTable#NONE}
 * and unknown ids are classified as the empty string) to a non-negative int class.
 *
 * <p>Not thread-safe (a cache filled on demand); create one per analysis run.
 */
public final class NameIdClasses {
    private final StringTable strings;
    private final ToIntFunction<String> classifier;
    private int[] classes;

    /**
     * @param strings    the trace's strings
     * @param classifier name → class {@code >= 0}
     */
    public NameIdClasses(StringTable strings, ToIntFunction<String> classifier) {
        this.strings = strings;
        this.classifier = classifier;
        this.classes = new int[Math.max(1, strings.size() + 1)];
        Arrays.fill(classes, -1);
    }

    /** @return the class of string id {@code nameId} (slot 0 holds {@link StringTable#NONE}). */
    public int classOf(int nameId) {
        int slot = nameId < 0 ? 0 : nameId + 1;
        if (slot >= classes.length) {
            int old = classes.length;
            classes = Arrays.copyOf(classes, Math.max(slot + 1, old * 2));
            Arrays.fill(classes, old, classes.length, -1);
        }
        int c = classes[slot];
        if (c < 0) {
            String s = nameId < 0 || nameId >= strings.size() ? "" : strings.get(nameId);
            c = classifier.applyAsInt(s == null ? "" : s);
            if (c < 0) {
                throw new IllegalStateException("classifier returned a negative class for " + s);
            }
            classes[slot] = c;
        }
        return c;
    }
}
