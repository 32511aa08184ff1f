package io.proflens.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.model.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stored timeline index answers every window exactly as the freshly built one; a bad file is not used. */
class TimelineIndexSnapshotTest {
    @TempDir
    Path tmp;

    private static List<String> windows(TimelineModel m) {
        List<String> out = new ArrayList<>();
        long t0 = m.startNs();
        long span = Math.max(1, m.endNs() - t0);
        for (int track = 0; track < m.tracks().size(); track++) {
            for (int zoom = 1; zoom <= 1_000; zoom *= 10) {
                long a = t0 + span / 3;
                long b = a + Math.max(1, span / zoom);
                int tr = track;
                m.window(track, a, b, Math.max(1, (b - a) / 800), new TimelineModel.ItemSink() {
                    @Override
                    public void raw(int lane, int item, long s, long e, int name) {
                        out.add(tr + " r " + lane + " " + item + " " + s + " " + e + " " + name);
                    }

                    @Override
                    public void aggregate(int lane, long s, long e, int count, int name) {
                        out.add(tr + " a " + lane + " " + s + " " + e + " " + count + " " + name);
                    }
                });
            }
        }
        return out;
    }

    @Test
    void storedIndexGivesTheSameWindows() throws Exception {
        Trace t = TestData.load(TestData.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite"));
        KernelClassifier c = KernelClassifier.builtIn();
        TimelineModel built = TimelineModel.build(t, c);
        Path f = tmp.resolve("x.timeline");
        built.writeIndex(f);
        TimelineModel read = TimelineModel.readIndex(t, c, f);
        assertThat(read).isNotNull();
        assertThat(read.tracks()).isEqualTo(built.tracks());
        List<String> expected = windows(built);
        assertThat(expected).isNotEmpty();
        assertThat(windows(read)).isEqualTo(expected);
    }

    @Test
    void missingCorruptOrForeignIndexIsNotUsed() throws Exception {
        Trace big = TestData.load(TestData.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite"));
        Trace tiny = TestData.load(TestData.nsys("nsysai-mock-tiny/mock.sqlite"));
        KernelClassifier c = KernelClassifier.builtIn();
        Path f = tmp.resolve("x.timeline");
        assertThat(TimelineModel.readIndex(big, c, f)).isNull();
        TimelineModel.build(big, c).writeIndex(f);
        assertThat(TimelineModel.readIndex(tiny, c, f)).as("an index with more events than the trace").isNull();
        Files.write(f, new byte[] {0x42});
        assertThat(TimelineModel.readIndex(big, c, f)).isNull();
        assertThat(TimelineModel.indexFingerprint()).hasSize(16);
    }
}
