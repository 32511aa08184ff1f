package io.proflens.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every sort path against the JDK's stable object sort on seeded random data (random, presorted, few runs, groups). */
class PrimitiveSortTest {
    private static Integer[] boxed(int n) {
        Integer[] b = new Integer[n];
        for (int i = 0; i < n; i++) {
            b[i] = i;
        }
        return b;
    }

    private static int[] expected(int n, Comparator<Integer> cmp) {
        Integer[] b = boxed(n);
        Arrays.sort(b, cmp); // stable (TimSort)
        return Arrays.stream(b).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void sortIndicesIsAStableSortOnEveryInputShape() {
        Random rnd = new Random(42);
        for (int n : new int[] {0, 1, 2, 31, 32, 33, 100, 1000, 5000}) {
            for (int shape = 0; shape < 4; shape++) {
                long[] key = new long[n];
                for (int i = 0; i < n; i++) {
                    key[i] = switch (shape) {
                        case 0 -> rnd.nextInt(50);                 // random with many ties
                        case 1 -> i / 3;                           // already sorted
                        case 2 -> (i % (n / 3 + 1)) / 2;           // three ascending runs (concatenated tables)
                        default -> n - i;                          // descending
                    };
                }
                int[] got = PrimitiveSort.sortIndices(PrimitiveSort.identity(n), (a, b) -> Long.compare(key[a], key[b]));
                assertThat(got).as("n=" + n + " shape=" + shape)
                        .containsExactly(expected(n, Comparator.comparingLong(i -> key[i])));
            }
        }
    }

    @Test
    void sortByGroupThenEqualsTheTwoKeySort() {
        Random rnd = new Random(7);
        for (int n : new int[] {0, 1, 5, 200, 10_000}) {
            for (boolean ordered : new boolean[] {true, false}) {
                long[] group = new long[n];
                long[] start = new long[n];
                for (int i = 0; i < n; i++) {
                    group[i] = 1000L * (rnd.nextInt(7) - 3);   // interleaved threads, negative ids too
                    start[i] = ordered ? i / 2 : rnd.nextInt(100);
                }
                int[] got = PrimitiveSort.sortByGroupThen(PrimitiveSort.identity(n), i -> group[i],
                        (a, b) -> Long.compare(group[a], group[b]), (a, b) -> Long.compare(start[a], start[b]));
                Comparator<Integer> two = Comparator.<Integer>comparingLong(i -> group[i]).thenComparingLong(i -> start[i]);
                assertThat(got).as("n=" + n + " ordered=" + ordered).containsExactly(expected(n, two));
            }
        }
    }
}
