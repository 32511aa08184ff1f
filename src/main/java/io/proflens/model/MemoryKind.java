package io.proflens.model;

/** Memory kinds of memcpy source/destination and memset targets, ids as in nsys {@code ENUM_CUDA_MEM_KIND}. */
public enum MemoryKind {
    PAGEABLE(0, "Pageable"),
    PINNED(1, "Pinned"),
    DEVICE(2, "Device"),
    ARRAY(3, "Array"),
    MANAGED(4, "Managed"),
    DEVICE_STATIC(5, "Device Static"),
    MANAGED_STATIC(6, "Managed Static"),
    UNKNOWN(7, "Unknown");

    private final int id;
    private final String label;

    MemoryKind(int id, String label) {
        this.id = id;
        this.label = label;
    }

    public int id() {
        return id;
    }

    public String label() {
        return label;
    }

    /** @return the kind with this id, or {@code null} when unknown or negative. */
    public static MemoryKind ofId(int id) {
        MemoryKind[] all = values();
        return id >= 0 && id < all.length ? all[id] : null;
    }
}
