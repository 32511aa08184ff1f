package io.proflens.analysis.phases;

import java.util.Objects;

/**
 * The phase key of an annotation range: its NVTX domain and its normalised name (iteration counters replaced by
 * {@code N}, PyTorch op ids stripped; see {@link PhaseNames#normalise}).
 *
 * @param domain domain label: the NVTX domain name, {@code "domain<id>"} for a non-default domain whose name the
 *               trace does not carry, {@code null} for the default domain (and Kineto user annotations)
 * @param name   normalised range name, never {@code null}
 */
public record PhaseKey(String domain, String name) implements Comparable<PhaseKey> {
    /** @throws NullPointerException when {@code name} is null */
    public PhaseKey {
        Objects.requireNonNull(name, "name");
    }

    /** @return {@code domain:name}, or the bare name for the default domain */
    public String label() {
        return domain == null ? name : domain + ":" + name;
    }

    /** Orders by label, then by domain (default domain first). */
    @Override
    public int compareTo(PhaseKey o) {
        int c = label().compareTo(o.label());
        if (c != 0) {
            return c;
        }
        if (Objects.equals(domain, o.domain)) {
            return 0;
        }
        return domain == null ? -1 : o.domain == null ? 1 : domain.compareTo(o.domain);
    }
}
