package io.proflens.model.ncu;

/**
 * A CUDA launch dimension as ncu prints it in the "Block Size" / "Grid Size" columns, {@code "(32, 4, 1)"}.
 *
 * @param x threads or blocks along x (≥ 0)
 * @param y along y (≥ 0)
 * @param z along z (≥ 0)
 */
public record Dim3(long x, long y, long z) {
    /** @return x × y × z (threads per block, or blocks per grid) */
    public long total() {
        return x * y * z;
    }

    /** @return {@code "(x, y, z)"} as ncu prints it */
    @Override
    public String toString() {
        return "(" + x + ", " + y + ", " + z + ")";
    }
}
