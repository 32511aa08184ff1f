package io.proflens.analysis.diff;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Public door to {@link ScalingFixtures} for tests in other packages. */
public final class ScalingFixturesAccess {
    private ScalingFixturesAccess() {
    }

    /** @see ScalingFixtures#write(Path) */
    public static List<Path> write(Path dir) throws IOException {
        return ScalingFixtures.write(dir);
    }
}
