package io.proflens.model;

/**
 * Memory copy directions, ids as in nsys {@code ENUM_CUDA_MEMCPY_OPER} (identical in every export that has
 * the table, 2023.1.2 to 2026.2.1; built in for 2020/2021 exports that have no enum tables).
 * {@link #label()} is the nsys ≥ 2024 label ("Host-to-Device"); {@link #shortLabel()} the label that the
 * report scripts of nsys ≤ 2023 hard-coded ("HtoD", "Unified Memory ... HtoD").
 */
public enum MemcpyKind {
    UNKNOWN(0, "Unknown", "Unknown"),
    HTOD(1, "Host-to-Device", "HtoD"),
    DTOH(2, "Device-to-Host", "DtoH"),
    HTOA(3, "Host-to-Array", "HtoA"),
    ATOH(4, "Array-to-Host", "AtoH"),
    ATOA(5, "Array-to-Array", "AtoA"),
    ATOD(6, "Array-to-Device", "AtoD"),
    DTOA(7, "Device-to-Array", "DtoA"),
    DTOD(8, "Device-to-Device", "DtoD"),
    HTOH(9, "Host-to-Host", "HtoH"),
    PTOP(10, "Peer-to-Peer", "PtoP"),
    UVM_HTOD(11, "Unified Host-to-Device", "HtoD"),
    UVM_DTOH(12, "Unified Device-to-Host", "DtoH"),
    UVM_DTOD(13, "Unified Device-to-Device", "DtoD");

    private final int id;
    private final String label;
    private final String shortLabel;

    MemcpyKind(int id, String label, String shortLabel) {
        this.id = id;
        this.label = label;
        this.shortLabel = shortLabel;
    }

    public int id() {
        return id;
    }

    public String label() {
        return label;
    }

    public String shortLabel() {
        return shortLabel;
    }

    /** @return whether this is a unified-memory migration kind (11..13). */
    public boolean unified() {
        return id >= 11;
    }

    /** @return the kind with this id, or {@code null} when unknown. */
    public static MemcpyKind ofId(int id) {
        MemcpyKind[] all = values();
        return id >= 0 && id < all.length ? all[id] : null;
    }
}
